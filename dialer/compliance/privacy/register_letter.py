"""The letter answering a rights request other than access, or refusing one.

An access request is answered by the access letter itself (``access_letter``); the
others get this short letter naming what was done. Pure: the request and its
steps in, French text out. A refusal names its reason and the right to complain
to the CNIL (GDPR art. 12(4)).
"""

from __future__ import annotations

from datetime import date

from dialer.compliance.privacy.models import RightsRequest, RightsRequestStep
from dialer.compliance.privacy.register_rules import (
    KIND_LABELS_FR,
    RequestKind,
    RequestStatus,
    StepKind,
    local_date,
)

CNIL_FR = (
    "Vous pouvez introduire une réclamation auprès de la Commission nationale de "
    "l'informatique et des libertés (CNIL), 3 place de Fontenoy, TSA 80715, "
    "75334 Paris Cedex 07, ou sur www.cnil.fr."
)


def date_fr(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def answer_letter_fr(request: RightsRequest, steps: list[RightsRequestStep], today: date) -> str:
    """The letter for ``request`` as it stands: answer, or refusal once refused."""
    kind = KIND_LABELS_FR[RequestKind(request.kind)]
    reference = f" (référence {request.reference})" if request.reference else ""
    lines = [
        f"Le {date_fr(request.closed_on or today)}",
        "",
        "Madame, Monsieur,",
        "",
        f"Vous avez exercé votre droit de {kind} par une demande reçue le "
        f"{date_fr(request.received_on)}{reference}.",
        "",
    ]
    if request.status == RequestStatus.REFUSED:
        lines += [
            "Nous ne pouvons pas donner suite à votre demande, pour le motif suivant :",
            f"{request.closing_reason or ''}",
            "",
            CNIL_FR,
        ]
    else:
        lines += _actions(steps)
    if request.extension_reason:
        lines += [
            "",
            f"Le délai de réponse a été prolongé de deux mois : {request.extension_reason}.",
        ]
    lines += [
        "",
        "Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
        "",
        "Le délégué à la protection des données",
    ]
    return "\n".join(lines) + "\n"


def _actions(steps: list[RightsRequestStep]) -> list[str]:
    done = [step for step in steps if step.step == StepKind.ACTION]
    if not done:
        return ["Après examen, aucune modification n'a été nécessaire."]
    lines = ["Voici ce qui a été fait :"]
    lines += [f"- le {date_fr(local_date(step.at))} : {step.detail}" for step in done]
    return lines
