"""Shared column helpers. Every datetime in the database is naive UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column


def utcnow() -> datetime:
    """Now, as the naive UTC datetime the database stores."""
    return datetime.now(UTC).replace(tzinfo=None)


def json_column(nullable: bool = False) -> Any:
    return Column(JSON, nullable=nullable)
