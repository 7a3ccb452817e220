"""Shared fixtures: real small parts (the MiniLM embedder, SmolLM2 through llama.cpp), isolated state.

Every test gets its own ``COPILOT_HOME`` and store directory under ``tmp_path``;
model files come from the real, verified model cache (``make setup-test`` fills it).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from copilot.settings import Settings, apply_offline_env

apply_offline_env()

REAL_MODEL_DIR = Settings.from_env().model_dir


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings whose state lives in ``tmp_path``; models from the real verified cache."""
    home = tmp_path / "home"
    monkeypatch.setenv("COPILOT_HOME", str(home))
    monkeypatch.setenv("COPILOT_STORE_DIR", str(tmp_path / "store"))
    monkeypatch.setenv("COPILOT_MODEL_DIR", str(REAL_MODEL_DIR))
    for name in (
        "OPENAI_BASE_URL",
        "OPENAI_API_KEY",
        "COPILOT_LLM_BASE_URL",
        "COPILOT_LLM_API_KEY",
        "COPILOT_CHROMA_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COPILOT_LOCAL_MODEL", "tiny")
    return Settings.from_env()


@pytest.fixture(scope="session")
def embedder() -> Iterator[object]:
    """The real MiniLM embedder (one per test session)."""
    from copilot.embedder import shared_embedder

    emb = shared_embedder(REAL_MODEL_DIR)
    emb.load()
    yield emb


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("COPILOT_MODEL_DIR", str(REAL_MODEL_DIR))
