"""The campaign creation form: reading it into checked values or French problems."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time

from pydantic import ValidationError
from starlette.datastructures import FormData

from dialer.campaigns.policies import CallingPolicy, TimeWindow
from dialer.contacts.people.phones import normalise_phone
from dialer.contacts.themes import THEMES
from web.bounds import parse_id
from web.forms import FieldProblem, checked_decimal, checked_int, checked_text, field_text

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_-]{1,63}$")
WINDOW_PATTERN = re.compile(r"^(\d{1,2})[:h](\d{2})\s*[-–à]\s*(\d{1,2})[:h](\d{2})$")
WEEKDAYS_FR = ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche")
DEFAULT_VALUES = {
    "plages": "10:00-13:00, 14:00-20:00",
    "jours": ["0", "1", "2", "3", "4"],
    "tentatives_max": "8",
    "abandon_cible": "3",
    "post_appel": "30",
}


@dataclass
class CampaignDraft:
    code: str = ""
    name: str = ""
    theme: str = ""
    fund_id: int = 0
    caller_id: str = ""
    policy: CallingPolicy = field(default_factory=CallingPolicy)


@dataclass
class DraftResult:
    draft: CampaignDraft
    problems: dict[str, str] = field(default_factory=dict)


def read_campaign_form(form: FormData, fund_ids: set[int]) -> DraftResult:
    result = DraftResult(CampaignDraft())
    steps: dict[str, Callable[[], object]] = {
        "code": lambda: _code(form),
        "nom": lambda: _name(form),
        "theme": lambda: _theme(form),
        "caisse": lambda: _fund(form, fund_ids),
        "numero_presente": lambda: _caller_id(form),
    }
    values: dict[str, object] = {}
    for name, step in steps.items():
        try:
            values[name] = step()
        except FieldProblem as problem:
            result.problems[name] = str(problem)
    policy = _policy(form, result.problems)
    if result.problems:
        return result
    result.draft = CampaignDraft(
        code=str(values["code"]), name=str(values["nom"]), theme=str(values["theme"]),
        fund_id=int(str(values["caisse"])), caller_id=str(values["numero_presente"]),
        policy=policy or CallingPolicy(),
    )  # fmt: skip
    return result


def _code(form: FormData) -> str:
    code = checked_text(form, "code", "Code", 64).upper()
    if not CODE_PATTERN.match(code):
        raise FieldProblem(
            "Code : 2 à 64 caractères parmi les lettres non accentuées, chiffres, tiret et "
            "tiret bas (par exemple GRIPPE-2026)."
        )
    return code


def _name(form: FormData) -> str:
    name = checked_text(form, "nom", "Nom", 200)
    if not name:
        raise FieldProblem("Nom : obligatoire.")
    return name


def _theme(form: FormData) -> str:
    theme = field_text(form, "theme", 64)
    if theme not in THEMES:
        raise FieldProblem("Thème : choisissez un thème de la liste.")
    return theme


def _fund(form: FormData, fund_ids: set[int]) -> int:
    text = field_text(form, "caisse", 12)
    fund_id = parse_id(text)
    if fund_id is None or fund_id not in fund_ids:
        raise FieldProblem("Caisse : choisissez une caisse de la liste.")
    return fund_id


def _caller_id(form: FormData) -> str:
    raw = checked_text(form, "numero_presente", "Numéro présenté", 32)
    try:
        return normalise_phone(raw).e164
    except ValueError as error:
        raise FieldProblem(f"Numéro présenté : {error}") from None


def _policy(form: FormData, problems: dict[str, str]) -> CallingPolicy | None:
    values: dict[str, object] = {}
    readers: dict[str, Callable[[], object]] = {
        "plages": lambda: _windows(form),
        "jours": lambda: _weekdays(form),
        "tentatives_max": lambda: checked_int(form, "tentatives_max", "Tentatives", 1, 50),
        "abandon_cible": lambda: checked_decimal(form, "abandon_cible", "Abandon", 0, 20) / 100,
        "post_appel": lambda: checked_int(form, "post_appel", "Post-appel", 0, 600),
    }
    for name, reader in readers.items():
        try:
            values[name] = reader()
        except FieldProblem as problem:
            problems[name] = str(problem)
    if problems:
        return None
    try:
        return CallingPolicy(
            windows=values["plages"], weekdays=values["jours"],
            max_attempts=values["tentatives_max"], abandon_target=values["abandon_cible"],
            wrap_up_seconds=values["post_appel"],
        )  # fmt: skip
    except ValidationError:
        problems["plages"] = "Politique d'appel incohérente : vérifiez les valeurs."
        return None


def _windows(form: FormData) -> list[TimeWindow]:
    text = checked_text(form, "plages", "Plages horaires", 200)
    windows: list[TimeWindow] = []
    for part in filter(None, (piece.strip() for piece in re.split(r"[,;]", text))):
        match = WINDOW_PATTERN.match(part)
        if match is None:
            raise FieldProblem(f"Plages horaires : « {part} » ne suit pas la forme 10:00-13:00.")
        h1, m1, h2, m2 = (int(group) for group in match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59 or (h2, m2) <= (h1, m1):
            raise FieldProblem(f"Plages horaires : « {part} » n'est pas une plage valide.")
        windows.append(TimeWindow(start=time(h1, m1), end=time(h2, m2)))
    if not windows:
        raise FieldProblem("Plages horaires : au moins une plage est nécessaire.")
    return windows


def _weekdays(form: FormData) -> list[int]:
    chosen = sorted(
        {
            int(v)
            for v in form.getlist("jours")
            if isinstance(v, str) and v in "0123456" and len(v) == 1
        }
    )
    if not chosen:
        raise FieldProblem("Jours d'appel : cochez au moins un jour.")
    return chosen
