"""Shared column helpers. Every datetime in the database is naive UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import JSON, Column


def utcnow() -> datetime:
    """Now, as the naive UTC datetime the database stores."""
    return datetime.now(UTC).replace(tzinfo=None)


def json_column(nullable: bool = False) -> Any:
    return Column(JSON, nullable=nullable)


class HasId(Protocol):
    @property
    def id(self) -> int | None: ...


class RowNotStored(RuntimeError):
    """A row's id was read before the database gave it one (a flush is missing)."""


def require_id(row: HasId) -> int:
    """The id of a stored row; a row never flushed is a programming error, not row 0."""
    if row.id is None:
        raise RowNotStored(f"{type(row).__name__} has no id yet: flush it first")
    return row.id
