"""``dialer explain CAMPAIGN [PERSON]``: why nothing dials, or why this person is not called."""

from __future__ import annotations

import typer
from sqlmodel import Session

from dialer.campaigns.setup import SetupError, find_campaign
from dialer.cli.context import console, fail, runtime
from dialer.core.columns import require_id, utcnow
from dialer.engine.explain import ContactNotFound, explain_campaign, explain_one, find_contact


def explain(
    campaign: str = typer.Argument(..., help="code ou numéro de la campagne"),
    person: str | None = typer.Argument(
        None, help="référence de la ligne dans le fichier de la caisse, ou numéro du contact"
    ),
) -> None:
    """Explique pourquoi rien ne compose, ou pourquoi une personne n'est pas appelée."""
    engine = runtime().engine
    now = utcnow()
    try:
        with Session(engine) as session:
            campaign_id = require_id(find_campaign(session, campaign))
            contact_id = find_contact(session, campaign_id, person) if person else None
    except (SetupError, ContactNotFound) as error:
        raise fail(str(error)) from error
    if contact_id is not None:
        console.print(explain_one(engine, contact_id, now).text_fr, highlight=False)
        return
    console.print(explain_campaign(engine, campaign_id, now).text_fr, highlight=False)
