"""The layers run one way (web and CLI -> conversation -> song state -> engines -> core):
the import-linter contracts in pyproject.toml hold, and no module hides an import cycle."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept() -> None:
    linter = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(linter)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "BROKEN" not in done.stdout


def test_a_broken_layer_is_caught(tmp_path: Path) -> None:
    """The check can fail: a contract that forbids what the code does is reported broken."""
    config = tmp_path / "contracts.toml"
    config.write_text(
        '[tool.importlinter]\nroot_package = "copilot"\n\n'
        '[[tool.importlinter.contracts]]\nname = "inverted"\ntype = "layers"\n'
        'layers = ["copilot.types", "copilot.chat"]\n',
        encoding="utf-8",
    )
    linter = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(linter), "--config", str(config)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode != 0 and "BROKEN" in done.stdout
