"""Version floors for the installed packages whose published advisories matter to copilot.

``pip-audit`` needs a vulnerability database this machine cannot reach (see bench/audit.py),
so this test pins the fixed versions of the advisories that concern a local web app that
serves files, parses uploads and calls HTTP endpoints. Raise a floor when a new advisory lands.
"""

from __future__ import annotations

import importlib.metadata as md
import re
from pathlib import Path

import pytest

FLOORS: dict[str, tuple[str, str]] = {
    # package: (lowest safe version, why)
    "gradio": ("6.16.0", "file routes / FileExplorer path traversal (GHSA-j36p-7w88-g82j, fixed 6.16.0); "
               "absolute path traversal CVE-2026-28414 (fixed 6.7.0); /file= traversal CVE-2023-51449 (4.11)"),
    "starlette": ("0.49.1", "FileResponse Range header DoS CVE-2025-62727 (0.49.1); multipart DoS CVE-2025-54121 "
                  "(0.47.2), CVE-2024-47874 (0.40.0)"),
    "fastapi": ("0.109.1", "Content-Type ReDoS via python-multipart CVE-2024-24762"),
    "python-multipart": ("0.0.18", "multipart boundary DoS CVE-2024-53981"),
    "jinja2": ("3.1.6", "sandbox escape via |attr CVE-2025-27516"),
    "urllib3": ("2.5.0", "redirects not disabled for pool managers CVE-2025-50181/50182"),
    "requests": ("2.32.4", ".netrc credentials leak to other hosts CVE-2024-47081"),
    "h11": ("0.16.0", "chunked-encoding request smuggling CVE-2025-43859"),
    "pillow": ("11.3.0", "DDS write buffer overflow CVE-2025-48379; ImageMath eval CVE-2024-28219 (10.3.0)"),
    "torch": ("2.6.0", "torch.load(weights_only=True) remote code execution CVE-2025-32434"),
    "setuptools": ("78.1.1", "PackageIndex path traversal CVE-2025-47273"),
    "protobuf": ("4.25.8", "recursive message parsing DoS CVE-2025-4565"),
    "aiohttp": ("3.12.14", "request smuggling in the pure-Python parser CVE-2025-53643"),
    "idna": ("3.7", "quadratic-time encode DoS CVE-2024-3651"),
    "certifi": ("2024.7.4", "GLOBALTRUST roots removed CVE-2024-39689"),
    "zipp": ("3.19.1", "infinite loop on crafted zip CVE-2024-5569"),
}  # fmt: skip

LOCK = Path(__file__).resolve().parents[1] / "requirements.lock"


def locked_versions() -> dict[str, str]:
    """``name -> version`` of every ``name==version`` pin in requirements.lock (names normalised)."""
    pins: dict[str, str] = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)", line.strip())
        if m:
            pins[re.sub(r"[-_.]+", "-", m.group(1)).lower()] = m.group(2)
    return pins


def version_tuple(version: str) -> tuple[int, ...]:
    """``"6.31.0"`` -> ``(6, 31, 0)``; pre-release and local parts are ignored.

    >>> version_tuple("2.13.0+cpu") > version_tuple("2.9")
    True
    """
    return tuple(int(x) for x in re.findall(r"\d+", version.split("+")[0].split("rc")[0])[:4])


@pytest.mark.parametrize("package", sorted(FLOORS))
def test_installed_version_is_at_or_above_the_fixed_release(package: str) -> None:
    floor, why = FLOORS[package]
    installed = md.version(package)
    assert version_tuple(installed) >= version_tuple(floor), f"{package} {installed} < {floor}: {why}"


def test_the_locked_set_is_at_or_above_every_floor() -> None:
    """The lock file CI installs from, not only this machine's venv."""
    pins = locked_versions()
    assert len(pins) > 50, "requirements.lock has too few pins to be the locked set"
    low = [
        f"{name}=={pins[name]} < {floor}: {why}"
        for name, (floor, why) in FLOORS.items()
        if name in pins and version_tuple(pins[name]) < version_tuple(floor)
    ]
    assert not low, low
    # torch is installed first (pinned in the Makefile); setuptools comes with the venv
    missing = sorted(n for n in FLOORS if n not in pins and n not in ("torch", "setuptools"))
    assert not missing, f"floors for packages not in the lock: {missing}"


def test_version_parsing() -> None:
    assert version_tuple("0.0.18") < version_tuple("0.0.34")
    assert version_tuple("6.16.0") <= version_tuple("6.31.0")
    assert version_tuple("1.10.0") > version_tuple("0.49.1")
