"""Logging tests change process-wide state: put it back after each one."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest


class ListHandler(logging.Handler):
    """Keeps every record it is handed, as written (after the record factory)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    factory = logging.getLogRecordFactory()
    quiet = {name: logging.getLogger(name).level for name in ("sqlalchemy.engine", "httpx")}
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        logging.setLogRecordFactory(factory)
        for name, old in quiet.items():
            logging.getLogger(name).setLevel(old)


@pytest.fixture
def captured(restore_logging: None) -> Iterator[ListHandler]:
    handler = ListHandler()
    logging.getLogger().addHandler(handler)
    yield handler
