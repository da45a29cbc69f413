"""The right-of-access report as a French document the DPO can send to the person.

Staff are named by role, not by login: the person is told who (which kind of
agent) saw which data and when; the DPO still has the logins in the JSON report.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from consent.vocabulary import CHANNEL_LABELS, Channel
from dialer.compliance.privacy.trail import ACTION_LABELS_FR, TrailAction
from dialer.contacts.themes import PERSON_FIELDS, THEMES

FIELD_LABELS: dict[str, str] = {
    spec.name: spec.label_fr
    for specs in (*PERSON_FIELDS.values(), *(theme.fields for theme in THEMES.values()))
    for spec in specs
} | {
    "audience": "Catégorie", "territory": "Territoire", "limited": "Traitement limité",
    "created_at": "Enregistré le", "updated_at": "Modifié le",
    "last_activity_at": "Dernière activité le",
    "consent:call": "Autorisation d'appel", "email": "Courriel",
}  # fmt: skip
ROLE_LABELS = {
    "agent": "un conseiller du centre d'appels",
    "manager": "un responsable de campagne",
    "dpo": "le délégué à la protection des données",
    "admin": "un administrateur",
    "fund": "votre caisse",
    "system": "un traitement automatique",
}
RESULT_LABELS = {
    "answered": "appel abouti", "busy": "occupé", "no_answer": "pas de réponse",
    "congestion": "réseau saturé", "invalid_number": "numéro invalide", "failed": "échec",
    "abandoned": "appel abandonné", "machine": "répondeur",
    "ended_while_disconnected": "interrompu",
}  # fmt: skip
AUDIENCE_LABELS = {"insured": "assuré(e)", "professional": "professionnel de santé",
                   "employer": "employeur"}  # fmt: skip
ANSWER_LABELS = {"accepted": "accepté", "refused": "refusé"}
DECISION_LABELS = {"opt_in": "accord", "opt_out": "refus"}
RIGHTS_FOOTER = (
    "Vous pouvez demander la rectification de ces données ou la limitation de leur "
    "traitement, et refuser d'être contacté(e) lors des campagnes d'appels sortants, par "
    "courrier au directeur de votre caisse de rattachement ou à son délégué à la protection "
    "des données. En cas de difficulté, vous pouvez saisir la CNIL (TSA 80715, 75334 Paris "
    "Cedex 07). Les données ne sont pas conservées plus de deux ans après votre dernier contact."
)


def access_report_text_fr(report: dict[str, Any]) -> str:
    """The report as readable French text, section by section."""
    lines = [
        "Réponse à votre demande d'accès à vos données personnelles",
        f"Établie le {_when(report['generated_at'])} (heure UTC)",
        "",
        "1. Données d'identification et coordonnées",
    ]
    lines += _person_lines(report["person"])
    lines += ["", "2. Campagnes d'appels vous concernant"]
    lines += [line for item in report["campaigns"] for line in _campaign_lines(item)] or [
        "  Aucune campagne."
    ]
    lines += ["", "3. Vos autorisations de contact (historique)"]
    lines += [_consent_line(entry) for entry in report["consent"]] or ["  Aucune décision."]
    lines += ["", "4. Accès à vos données (traçabilité)"]
    lines += [_trail_line(entry) for entry in report["trail"]] or ["  Aucun accès enregistré."]
    lines += ["", "5. Informations transmises à votre caisse"]
    lines += [
        f"  {_when(event['at'])} : {event['kind']} ({event['fund']})" for event in report["feed"]
    ] or ["  Aucune transmission."]
    return "\n".join([*lines, "", RIGHTS_FOOTER, ""])


def _person_lines(person: dict[str, Any]) -> list[str]:
    lines = []
    for name, value in person.items():
        if name in ("id", "fund"):
            continue
        shown = AUDIENCE_LABELS.get(value, value) if name == "audience" else value
        lines.append(f"  {_label(name)} : {_value(shown)}")
    if person.get("fund"):
        lines.append(f"  Caisse de rattachement : {person['fund']['name']}")
    return lines


def _campaign_lines(item: dict[str, Any]) -> list[str]:
    campaign = item["campaign"]
    lines = [f"  Campagne « {campaign['name']} » ({campaign['theme_label']}, {campaign['fund']})"]
    for name, value in item["contact"]["theme_data"].items():
        lines.append(f"    {_label(name)} : {_value(value)}")
    for attempt in item["attempts"]:
        result = RESULT_LABELS.get(attempt["result"] or "", "en cours")
        lines.append(f"    Appel du {_when(attempt['at'])} au {attempt['number']} : {result}")
    for outcome in item["outcomes"]:
        lines.append(f"    Résultat du {_when(outcome['at'])} : " + _outcome_text(outcome))
    return lines


def _outcome_text(outcome: dict[str, Any]) -> str:
    parts = []
    if outcome["wrong_person"]:
        parts.append("la personne jointe n'était pas vous")
    if outcome["interview"]:
        parts.append(f"entretien {ANSWER_LABELS.get(outcome['interview'], outcome['interview'])}")
    if outcome["offer"]:
        parts.append(f"offre {ANSWER_LABELS.get(outcome['offer'], outcome['offer'])}")
    if outcome["followup_text"] or outcome["followup_category"]:
        text = outcome["followup_text"] or outcome["followup_category"]
        parts.append(f"demande transmise à votre caisse : « {text} »")
    for name, value in (outcome["contact_changes"] or {}).items():
        parts.append(f"nouvelle coordonnée ({_label(name)}) : {value}")
    return ", ".join(parts) or "aucune réponse enregistrée"


def _consent_line(entry: dict[str, Any]) -> str:
    channel = CHANNEL_LABELS.get(Channel(entry["channel"]), entry["channel"])
    decision = DECISION_LABELS.get(entry["decision"], entry["decision"])
    return f"  {_when(entry['at'])} : {decision} pour les {channel}"


def _trail_line(entry: dict[str, Any]) -> str:
    action = ACTION_LABELS_FR.get(TrailAction(entry["action"]), entry["action"])
    who = ROLE_LABELS.get(entry["actor_role"], entry["actor_role"])
    fields = ", ".join(_label(name) for name in entry["fields"])
    return f"  {_when(entry['at'])} : {action} par {who}" + (f" ({fields})" if fields else "")


def _label(name: str) -> str:
    return FIELD_LABELS.get(name, name.replace("_", " "))


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "oui" if value else "non"
    text = str(value)
    try:
        if len(text) == 10 and text[4] == "-":
            return date.fromisoformat(text).strftime("%d/%m/%Y")
        if text.endswith("Z") and "T" in text:
            return _when(text)
    except ValueError:
        pass  # not a date after all: shown as it is
    return text


def _when(stamp: str) -> str:
    return datetime.fromisoformat(stamp.removesuffix("Z")).strftime("%d/%m/%Y à %H:%M")
