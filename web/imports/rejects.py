"""The reject report of a finished import, as the import page shows it."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass

from sqlmodel import Session

from dialer.accounts.models import User
from dialer.campaigns.importing.models import ImportJob
from dialer.compliance.privacy.trail import TrailAction, record_access

SHOWN_REJECTS = 50


@dataclass(frozen=True)
class RejectView:
    total: int  # rejected cells listed in the report
    by_reason: list[tuple[str, int]]
    first: list[dict[str, str]]  # the first SHOWN_REJECTS, NIR already masked


def reject_view(report: str) -> RejectView:
    reader = csv.DictReader(io.StringIO(report.lstrip("\ufeff")), delimiter=";")
    reasons: Counter[str] = Counter()
    first: list[dict[str, str]] = []
    for row in reader:
        reasons[row.get("motif") or ""] += 1
        if len(first) < SHOWN_REJECTS:
            first.append(row)
    return RejectView(sum(reasons.values()), reasons.most_common(), first)


def trace_reject_read(
    db: Session, user: User, job: ImportJob, address: str | None, what: str
) -> None:
    """A reject report shows names and masked identifiers: each read is traced."""
    record_access(
        db, actor=user.username, actor_role=user.role, action=TrailAction.EXPORT,
        person_id=None, fields=["reject_report"], campaign_id=job.campaign_id,
        address=address, detail=f"{what} de l'import {job.id} ({job.filename})",
    )  # fmt: skip
    db.commit()
