"""The retention durations: one table, the DPO's page and docs/privacy.md say the same."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from dialer.compliance.privacy.retention import RetentionPolicy
from dialer.compliance.privacy.retention_table import (
    DOC_END,
    DOC_START,
    duration_fr,
    retention_markdown,
)

DOC = Path(__file__).resolve().parents[4] / "docs" / "privacy.md"


def test_docs_privacy_holds_the_table_the_code_computes() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert DOC_START in text and DOC_END in text, f"markers missing from {DOC}"
    in_doc = text.split(DOC_START, 1)[1].split(DOC_END, 1)[0].strip()
    expected = retention_markdown()
    assert in_doc == expected, f"docs/privacy.md is out of date; paste:\n{expected}"


def test_the_table_follows_the_policy_it_documents() -> None:
    shorter = replace(RetentionPolicy(), inactive_days=365, import_report_days=90)
    table = retention_markdown(shorter)
    assert "1 an après la dernière activité" in table and "90 jours après l'import" in table
    assert "2 ans après la dernière activité" in retention_markdown()
    assert duration_fr(730) == "2 ans" and duration_fr(1) == "1 jour"
