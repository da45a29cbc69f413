"""Contact-file imports and their reject reports."""

from __future__ import annotations

from enum import StrEnum

from pydantic import NaiveDatetime
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from dialer.core.columns import utcnow


class ImportStatus(StrEnum):
    """An import job's end (the values are stored: never rename them)."""

    RUNNING = "running"
    DONE = "done"
    REFUSED = "refused"
    FAILED = "failed"  # a crash, a kill or a database error: nothing was stored


class ImportJob(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    filename: str = Field(max_length=255)
    sha256: str = Field(max_length=64)
    size_bytes: int = 0
    encoding: str | None = Field(default=None, max_length=32)
    delimiter: str | None = Field(default=None, max_length=4)
    status: str = Field(default=ImportStatus.RUNNING, max_length=16)
    # host:pid of the process running the import, so a dead one's job can be closed.
    owner: str | None = Field(default=None, max_length=100)
    message: str | None = Field(default=None, max_length=500)
    rows_total: int = 0
    stored: int = 0
    updated: int = 0
    merged: int = 0
    unchanged: int = 0
    rejected: int = 0
    reject_report: str | None = None  # CSV, NIRs masked
    author: str = Field(default="", max_length=100)
    started_at: NaiveDatetime = Field(default_factory=utcnow)
    finished_at: NaiveDatetime | None = None


class ColumnAlias(SQLModel, table=True):
    """A fund's own column name, mapped by a manager to a theme field (or ignored)."""

    __table_args__ = (UniqueConstraint("fund_id", "theme", "header_key"),)

    id: int | None = Field(default=None, primary_key=True)
    fund_id: int = Field(foreign_key="fund.id", index=True)
    theme: str = Field(max_length=64)
    header_key: str = Field(max_length=200)  # the header as columns.header_key compares it
    header: str = Field(max_length=200)  # as the fund wrote it, for the page
    field_name: str = Field(default="", max_length=64)  # "" = ignore the column
    author: str = Field(default="", max_length=100)
    updated_at: NaiveDatetime = Field(default_factory=utcnow)
