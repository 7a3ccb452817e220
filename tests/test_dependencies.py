"""Version floors for the installed packages whose published advisories matter to copilot.

``pip-audit`` needs a vulnerability database this machine cannot reach (see bench/audit.py),
so this test pins the fixed versions of the advisories that concern a local web app that
serves files, parses uploads and calls HTTP endpoints. Raise a floor when a new advisory lands.
"""

from __future__ import annotations

import importlib.metadata as md
import re

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
}  # fmt: skip


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


def test_version_parsing() -> None:
    assert version_tuple("0.0.18") < version_tuple("0.0.34")
    assert version_tuple("6.16.0") <= version_tuple("6.31.0")
    assert version_tuple("1.10.0") > version_tuple("0.49.1")
