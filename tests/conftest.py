"""Shared fixtures: paths to the tiny input files in tests/data and to the seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def seeds_dir() -> Path:
    return ROOT / "seeds"


@pytest.fixture
def corpora_dir(tmp_path: Path) -> Path:
    """Synthetic files laid out like ../shared/datasets (see synthetic_corpora.py)."""
    from synthetic_corpora import write_synthetic_corpora

    return write_synthetic_corpora(tmp_path / "corpora")


@pytest.fixture(autouse=True, scope="session")
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Compiled encoder and cached embeddings go to a temporary folder, never the user's cache."""
    import os

    os.environ["MODERATION_CACHE"] = str(tmp_path_factory.mktemp("cache"))
