"""The right-of-access report as a French letter the DPO can send to the person.

Staff are named by role, not by login: the person is told who (which kind of
agent) saw which data and when; the DPO still has the logins in the JSON report.
Times are the person's local time (their territory's), numbers as dialled at
home, every code by its French label: the letter is read by the person, not by
a machine. The same ``Letter`` gives the text and the PDF (``letter_pdf``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from dialer.contacts.people.phones import national_text
from dialer.contacts.territories import Territory, info
from dialer.core.french import datetime_fr, parse_utc
from dialer.wording import Kind, label

DEFAULT_TIME_ZONE = "Europe/Paris"
_PHONE_FIELDS = frozenset({"phone_e164", "phone2_e164", "phone", "phone2"})
_CODED_FIELDS = {"audience": Kind.AUDIENCE, "territory": Kind.TERRITORY}
TITLE = "Réponse à votre demande d'accès à vos données personnelles"
RIGHTS_FOOTER = (
    "Vous pouvez demander la rectification de ces données ou la limitation de leur "
    "traitement, et refuser d'être contacté(e) lors des campagnes d'appels sortants, par "
    "courrier au directeur de votre caisse de rattachement ou à son délégué à la protection "
    "des données. En cas de difficulté, vous pouvez saisir la CNIL (TSA 80715, 75334 Paris "
    "Cedex 07). Les données ne sont pas conservées plus de deux ans après votre dernier contact."
)


@dataclass(frozen=True)
class Letter:
    title: str
    preamble: tuple[str, ...]
    sections: tuple[tuple[str, tuple[str, ...]], ...]  # (heading, lines)
    footer: str


@dataclass(frozen=True)
class _Reader:
    """How the person reads values: in their own time zone."""

    time_zone: str

    def when(self, stamp: str) -> str:
        return datetime_fr(parse_utc(stamp), self.time_zone)

    def value(self, name: str, value: Any) -> str:
        if isinstance(value, bool):
            return "oui" if value else "non"
        text = str(value)
        if name in _CODED_FIELDS:
            return label(_CODED_FIELDS[name], text)
        if name in _PHONE_FIELDS and text.startswith("+"):
            return national_text(text)
        try:
            if len(text) == 10 and text[4] == "-":
                return date.fromisoformat(text).strftime("%d/%m/%Y")
            if text.endswith("Z") and "T" in text:
                return self.when(text)
        except ValueError:
            pass  # not a date after all: shown as it is
        return text


def person_time_zone(person: dict[str, Any]) -> str:
    """The person's territory's time zone: the one their letter's times are written in."""
    try:
        return info(Territory(person.get("territory") or "")).time_zone
    except ValueError:
        return DEFAULT_TIME_ZONE


def access_letter(report: dict[str, Any]) -> Letter:
    """The report as the person reads it, section by section."""
    person = report["person"]
    reader = _Reader(person_time_zone(person))
    territory = label(Kind.TERRITORY, person.get("territory") or "metro")
    preamble = (
        f"Établie le {reader.when(report['generated_at'])}",
        f"Les heures sont celles de votre territoire ({territory}).",
    )
    campaigns = [line for item in report["campaigns"] for line in _campaign(reader, item)]
    sections = (
        ("1. Données d'identification et coordonnées", _person(reader, person)),
        ("2. Campagnes d'appels vous concernant", campaigns or ["Aucune campagne."]),
        (
            "3. Vos autorisations de contact (historique)",
            [_consent(reader, entry) for entry in report["consent"]] or ["Aucune décision."],
        ),
        (
            "4. Accès à vos données (traçabilité)",
            [_trail(reader, entry) for entry in report["trail"]] or ["Aucun accès enregistré."],
        ),
        (
            "5. Informations transmises à votre caisse",
            [_sent(reader, event) for event in report["feed"]] or ["Aucune transmission."],
        ),
    )
    return Letter(
        TITLE, preamble, tuple((head, tuple(lines)) for head, lines in sections), RIGHTS_FOOTER
    )


def access_report_text_fr(report: dict[str, Any]) -> str:
    """The letter as plain text: what the DPO previews and downloads."""
    letter = access_letter(report)
    lines = [letter.title, *letter.preamble]
    for heading, items in letter.sections:
        lines += ["", heading, *(f"  {item}" for item in items)]
    return "\n".join([*lines, "", letter.footer, ""])


def _person(reader: _Reader, person: dict[str, Any]) -> list[str]:
    lines = [
        f"{label(Kind.FIELD, name)} : {reader.value(name, value)}"
        for name, value in person.items()
        if name not in ("id", "fund")
    ]
    if person.get("fund"):
        lines.append(f"Caisse de rattachement : {person['fund']['name']}")
    return lines


def _campaign(reader: _Reader, item: dict[str, Any]) -> list[str]:
    campaign = item["campaign"]
    lines = [f"Campagne « {campaign['name']} » ({campaign['theme_label']}, {campaign['fund']})"]
    for name, value in item["contact"]["theme_data"].items():
        lines.append(f"  {label(Kind.FIELD, name)} : {reader.value(name, value)}")
    for attempt in item["attempts"]:
        result = (
            _lower_first(label(Kind.CALL_RESULT, attempt["result"]))
            if attempt["result"]
            else "en cours"
        )
        number = national_text(attempt["number"]) if attempt["number"] else "—"
        lines.append(f"  Appel du {reader.when(attempt['at'])} au {number} : {result}")
    for outcome in item["outcomes"]:
        lines.append(f"  Résultat du {reader.when(outcome['at'])} : {_outcome(reader, outcome)}")
    return lines


def _outcome(reader: _Reader, outcome: dict[str, Any]) -> str:
    parts = []
    if outcome["wrong_person"]:
        parts.append("la personne jointe n'était pas vous")
    if outcome["interview"]:
        parts.append(label(Kind.INTERVIEW, outcome["interview"]))
    if outcome["offer"]:
        parts.append(label(Kind.OFFER, outcome["offer"]))
    if outcome["followup_text"] or outcome["followup_category"]:
        text = outcome["followup_text"] or outcome["followup_category"]
        parts.append(f"demande transmise à votre caisse : « {text} »")
    for name, value in (outcome["contact_changes"] or {}).items():
        parts.append(
            f"nouvelle coordonnée ({_lower_first(label(Kind.FIELD, name))}) : "
            + reader.value(name, value)
        )
    if outcome.get("callback_at"):
        parts.append(f"rappel prévu le {reader.when(outcome['callback_at'])}")
    return ", ".join(parts) or "aucune réponse enregistrée"


def _consent(reader: _Reader, entry: dict[str, Any]) -> str:
    decision = label(Kind.CONSENT_DECISION, entry["decision"])
    channel = label(Kind.CONSENT_CHANNEL, entry["channel"])
    return f"{reader.when(entry['at'])} : {decision} pour les {channel}"


def _trail(reader: _Reader, entry: dict[str, Any]) -> str:
    action = label(Kind.TRAIL_ACTION, entry["action"])
    who = label(Kind.ACTOR, entry["actor_role"])
    fields = ", ".join(_lower_first(label(Kind.FIELD, name)) for name in entry["fields"])
    return f"{reader.when(entry['at'])} : {action} par {who}" + (f" ({fields})" if fields else "")


def _sent(reader: _Reader, event: dict[str, Any]) -> str:
    return (
        f"{reader.when(event['at'])} : {label(Kind.OUTCOME, event['kind'])}"
        f" (destinataire : {event['fund']})"
    )


def _lower_first(text: str) -> str:
    """A label inside a sentence; acronyms (NIR, SIRET, PBX) keep their capitals."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]
