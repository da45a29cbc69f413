"""A fresh campaign day for each checker test, on each backend."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.checker.builder import DayBuilder


@pytest.fixture
def day(engine: Engine, database_url: str, tmp_path: Path) -> DayBuilder:
    return DayBuilder(engine, database_url, tmp_path / "dial-log.jsonl")
