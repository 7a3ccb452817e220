"""Every doctest in the package runs: each module whose source has an example is tested."""

from __future__ import annotations

import doctest
import importlib

import pytest

from copilot.settings import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "copilot"
MODULES = sorted(
    ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
    for path in PACKAGE.rglob("*.py")
    if ">>> " in path.read_text(encoding="utf-8")
)


def test_modules_with_examples_are_found() -> None:
    assert len(MODULES) >= 20 and "copilot.theory" in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name} has '>>> ' but no doctest ran"
    assert result.failed == 0, name
