"""The call panel's content: the record, the history, the script and the outcome form."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from dialer.accounts.models import User
from dialer.contacts.territories import Territory, call_clocks, info, territory_of_number
from dialer.contacts.themes import get_theme
from dialer.core.crypto import DataCipher
from dialer.engine.calling.preview import PREVIEW
from scripts.live import live_script
from scripts.render import RenderedScript
from web.desk.access import CallFile
from web.desk.history import Exchange, earlier_exchanges
from web.desk.outcome_form import CONSENT_CHANNELS_FR, FOLLOWUP_CATEGORIES_FR
from web.desk.record import PersonRecord, build_record

HISTORY_FIELD = "call_history"


def person_record(call: CallFile, cipher: DataCipher, *, reveal: bool = False) -> PersonRecord:
    theme = get_theme(call.campaign.theme)
    return build_record(
        call.person, dict(call.contact.theme_data or {}), theme, cipher, reveal=reveal
    )


def rendered_script(
    db: Session, call: CallFile, record: PersonRecord, agent: User
) -> tuple[RenderedScript, int | None]:
    context: dict[str, Any] = {
        **record.script_values,
        "agent_name": agent.full_name,
        "fund_name": call.fund.name if call.fund else "",
        "campaign_name": call.campaign.name,
    }
    return live_script(db, call.campaign.theme, call.campaign.id, context)


def local_now_text(time_zone: str, now: datetime) -> str:
    local = now.replace(tzinfo=UTC).astimezone(ZoneInfo(time_zone))
    return local.strftime("%H:%M")


def number_clock(call: CallFile, now: datetime) -> dict[str, str] | None:
    """The local time of the number called, when it is another clock than the person's."""
    person = call.person
    number = territory_of_number(call.attempt.number_e164)
    clocks = call_clocks(Territory(person.territory), person.time_zone, number)
    if len(clocks) < 2:
        return None
    territory, zone = clocks[1]
    return {"label": info(territory).label, "zone": zone, "time": local_now_text(zone, now)}


def record_context(
    db: Session, call: CallFile, record: PersonRecord, agent: User
) -> dict[str, Any]:
    """What the record-and-script part of the panel shows (also re-sent after a reveal)."""
    script, version_id = rendered_script(db, call, record, agent)
    return {"call": call, "record": record, "script": script, "script_version_id": version_id}


def panel_context(
    db: Session,
    call: CallFile,
    record: PersonRecord,
    agent: User,
    now: datetime,
) -> tuple[dict[str, Any], list[Exchange]]:
    history = earlier_exchanges(
        db, call.person.id or 0, call.campaign.id or 0, call.attempt.id or 0, record.time_zone
    )
    context = record_context(db, call, record, agent)
    context["history"] = history
    context.update(moment_context(call, record, now))
    context.update(form_context({}, {}, None))
    return context, history


def moment_context(call: CallFile, record: PersonRecord, now: datetime) -> dict[str, Any]:
    """What the panel shows that changes with the clock and the call's line."""
    preview = call.attempt.state == PREVIEW
    return {
        "local_time": local_now_text(record.time_zone, now),
        "number_clock": number_clock(call, now),
        "preview": preview,
        "live": not preview and call.attempt.ended_at is None and call.attempt.result is None,
    }


def form_context(
    values: dict[str, str], problems: dict[str, str], general: str | None
) -> dict[str, Any]:
    return {
        "values": values,
        "problems": problems,
        "general_problem": general,
        "categories": FOLLOWUP_CATEGORIES_FR,
        "channels": CONSENT_CHANNELS_FR,
    }


def screen_pop_fields(record: PersonRecord, history: list[Exchange]) -> list[str]:
    return [*record.shown_names, *([HISTORY_FIELD] if history else [])]
