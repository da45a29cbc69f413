"""Statuses are named by their enums, whose stored values never change."""

from __future__ import annotations

import re
from pathlib import Path

from dialer.campaigns.importing.models import ImportStatus
from dialer.campaigns.models import CampaignStatus
from dialer.campaigns.waves.states import WaveStatus
from dialer.contacts.people.models import ContactStatus

ROOT = Path(__file__).resolve().parents[2]
# A status column compared with, or set to, a bare string.
BARE_STATUS = re.compile(
    r"""\.?status\)?\s*(==|!=|=)\s*["'](pending|in_progress|done|draft|active|paused|closed|scheduled|running|stopped|finished|refused)["']"""
)


def test_the_stored_values_are_the_ones_the_database_holds() -> None:
    assert [s.value for s in ContactStatus] == ["pending", "in_progress", "done"]
    assert [s.value for s in CampaignStatus] == ["draft", "active", "paused", "closed"]
    assert [s.value for s in ImportStatus] == ["running", "done", "refused", "failed"]
    assert [s.value for s in WaveStatus] == [
        "scheduled", "running", "paused", "stopped", "finished",
    ]  # fmt: skip


def test_no_status_is_compared_with_a_bare_string() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("dialer", "web")
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if BARE_STATUS.search(line) and "web/imports/tracker.py" not in str(path)
    ]
    assert found == []
