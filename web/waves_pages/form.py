"""Reading the wave form: Paris times, cohort and its filter, pacing mode, quotas per fund."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.datastructures import FormData

from dialer.campaigns.waves import WaveError
from dialer.campaigns.waves.times import parse_paris_time
from dialer.contacts.funds import Fund
from web.forms import FieldProblem, checked_int, checked_text, field_text

QUOTA_MAX = 10_000_000
FIELDS = ("nom", "debut", "fin", "cohorte", "territoire", "code_postal", "mode")
DEFAULT_VALUES = {"cohorte": "all", "mode": "progressive"}


@dataclass
class WaveDraft:
    name: str = ""
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    cohort: str = "all"
    cohort_filter: dict[str, str] = field(default_factory=dict)
    quota: dict[str, int] = field(default_factory=dict)
    pacing: str = "progressive"


@dataclass
class WaveFormResult:
    draft: WaveDraft
    problems: dict[str, str]


def _time(form: FormData, name: str, label: str) -> datetime:
    text = checked_text(form, name, label, 20)
    if not text:
        raise FieldProblem(f"{label} : obligatoire.")
    try:
        return parse_paris_time(text, label)
    except WaveError as error:
        raise FieldProblem(str(error)) from None


def _filter(form: FormData) -> dict[str, str]:
    chosen = {}
    territory = checked_text(form, "territoire", "Territoire", 32)
    prefix = checked_text(form, "code_postal", "Début du code postal", 5)
    if territory:
        chosen["territory"] = territory
    if prefix:
        chosen["postal_code_prefix"] = prefix
    return chosen


def _quota(form: FormData, funds: list[Fund], problems: dict[str, str]) -> dict[str, int]:
    quota = {}
    for fund in funds:
        name = f"quota_{fund.id}"
        if not field_text(form, name, 20):
            continue
        try:
            quota[fund.code] = checked_int(form, name, f"Quota {fund.code}", 0, QUOTA_MAX)
        except FieldProblem as problem:
            problems[name] = str(problem)
    return quota


def _read(form: FormData, name: str, problems: dict[str, str], read: Any) -> Any:
    try:
        return read()
    except FieldProblem as problem:
        problems[name] = str(problem)
        return None


def read_wave_form(form: FormData, funds: list[Fund]) -> WaveFormResult:
    """The draft and, per field, what is wrong with it (French)."""
    problems: dict[str, str] = {}
    draft = WaveDraft()
    draft.name = _read(form, "nom", problems, lambda: checked_text(form, "nom", "Nom", 200)) or ""
    if not draft.name and "nom" not in problems:
        problems["nom"] = "Nom : obligatoire."
    draft.starts_at = _read(form, "debut", problems, lambda: _time(form, "debut", "Début"))
    draft.ends_at = _read(form, "fin", problems, lambda: _time(form, "fin", "Fin"))
    draft.cohort = field_text(form, "cohorte", 16) or "all"
    draft.pacing = field_text(form, "mode", 16) or "progressive"
    if draft.cohort == "filter":
        draft.cohort_filter = _read(form, "territoire", problems, lambda: _filter(form)) or {}
    draft.quota = _quota(form, funds, problems)
    return WaveFormResult(draft, problems)


def form_values(form: FormData, funds: list[Fund]) -> dict[str, str]:
    """What the manager typed, to show the form again with its errors."""
    values = {name: field_text(form, name, 200) for name in FIELDS}
    values.update({f"quota_{f.id}": field_text(form, f"quota_{f.id}", 20) for f in funds})
    return values
