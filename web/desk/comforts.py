"""The desk's comforts: « Mes appels du jour », « Mes rappels », the progress while waiting,
and the manual dial (find a person of the campaign, call them inside the dialer's rules).

Calling a callback now and a manual dial are the same act: the person is claimed by
the dialer's own claim and called through the worker (``dialer.engine.calling.manual``).
Every list that shows people is traced in the access trail, one entry per person
shown; every refused call is traced as a refusal and never reaches the PBX.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session, col, func, select
from starlette.concurrency import run_in_threadpool

from dialer.accounts.models import AgentPresence, User
from dialer.campaigns.attempts import CallAttempt, Outcome
from dialer.campaigns.eligibility import Block
from dialer.campaigns.models import Campaign
from dialer.compliance.privacy.trail import TrailAction, record_access
from dialer.contacts.funds import Fund
from dialer.contacts.people.models import CampaignContact, ContactStatus, Person
from dialer.core.french import number_fr
from dialer.engine.agents import AgentState
from dialer.engine.calling.control import CallControlRefused, CallRef
from dialer.engine.calling.manual import (
    ManualDialRefused,
    agent_campaign,
    check_person,
    hold_manual_call,
    release_manual_call,
    search_people,
    verdicts,
)
from dialer.engine.calling.preview import PREVIEW
from dialer.wording import Kind, label
from web.bounds import parse_id
from web.deps import CallControlDep, DbSession, FormDep, NowDep, RuntimeDep
from web.desk.access import AgentUser
from web.forms import field_text
from web.render import render

router = APIRouter()

CALLBACKS_MAX = 50
NO_DIALER_FR = "Aucun service de numérotation n'est joignable : réessayez dans un instant."
NOT_A_CALLBACK_FR = "Cette personne n'a pas de rappel programmé sur votre campagne."
CHOOSE_PERSON_FR = "Choisissez une personne dans la liste."
CALLBACK_FIELDS = ("row_ref", "first_name", "last_name", "callback_at")
SEARCH_FIELDS = ("row_ref", "first_name", "last_name", "city")
DIAL_FIELDS = ("phone_e164",)
# Origin of a manual call, as the trail's detail says it.
ORIGINS = {"rappel": "rappel programmé", "recherche": "recherche d'une personne"}


def _address(request: Request) -> str | None:
    return request.client.host if request.client else None


def duration_fr(seconds: float) -> str:
    """12 min 05 s, 1 h 02 min: how long, for people."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {secs:02d} s"


# -- « Mes appels du jour » ----------------------------------------------------


@dataclass(frozen=True)
class DayCounts:
    calls: str
    talk: str
    outcomes: list[tuple[str, str]]  # (label, count) in French, only those that happened


def local_midnight_utc(time_zone: str, now: datetime) -> datetime:
    zone = ZoneInfo(time_zone)
    day = now.replace(tzinfo=UTC).astimezone(zone).date()
    return (
        datetime.combine(day, datetime.min.time(), tzinfo=zone).astimezone(UTC).replace(tzinfo=None)
    )


def _day_zone(db: Session, campaign: Campaign | None) -> str:
    fund = db.get(Fund, campaign.fund_id) if campaign is not None else None
    return fund.time_zone if fund is not None else "Europe/Paris"


def day_counts(db: Session, user_id: int, campaign: Campaign | None, now: datetime) -> DayCounts:
    """The agent's calls since local midnight (the fund's day), every campaign together."""
    since = local_midnight_utc(_day_zone(db, campaign), now)
    attempts = db.exec(
        select(CallAttempt).where(
            CallAttempt.agent_user_id == user_id,
            col(CallAttempt.created_at) >= since,
            CallAttempt.state != PREVIEW,
        )
    ).all()
    talk = sum(
        ((a.ended_at or now) - a.connected_at).total_seconds()
        for a in attempts
        if a.connected_at is not None
    )
    outcomes = db.exec(
        select(Outcome).where(Outcome.agent_user_id == user_id, col(Outcome.created_at) >= since)
    ).all()
    counted = [
        ("Entretiens acceptés", sum(o.interview == "accepted" for o in outcomes)),
        ("Entretiens refusés", sum(o.interview == "refused" for o in outcomes)),
        ("Offres acceptées", sum(o.offer == "accepted" for o in outcomes)),
        ("Offres refusées", sum(o.offer == "refused" for o in outcomes)),
        ("Rappels programmés", sum(o.callback_at is not None for o in outcomes)),
        ("Erreurs de personne", sum(o.wrong_person for o in outcomes)),
        ("Répondeur / pas la bonne personne", sum(o.not_reached for o in outcomes)),
        ("Sans réponse (non abouti)", sum(_unanswered(a) for a in attempts)),
    ]
    return DayCounts(
        calls=number_fr(len(attempts)),
        talk=duration_fr(talk),
        outcomes=[(label, number_fr(count)) for label, count in counted if count],
    )


def _unanswered(attempt: CallAttempt) -> bool:
    return attempt.result is not None and attempt.connected_at is None


# -- progress while waiting ----------------------------------------------------

DIALING_FR = "Numérotation en cours…"


def waiting_progress(db: Session, row: AgentPresence, now: datetime) -> dict[str, str]:
    """What the desk shows while no call is on screen: dialing now, and the last try.

    Read at every poll of a waiting desk: the last try is looked for among the
    attempts created in the last hours (``created_at`` is indexed).
    """
    progress: dict[str, str] = {}
    if row.state == AgentState.RESERVED and row.attempt_id is not None:
        attempt = db.get(CallAttempt, row.attempt_id)
        if attempt is not None and attempt.state != PREVIEW and attempt.result is None:
            progress["dialing"] = DIALING_FR
    last = db.exec(
        select(CallAttempt)
        .where(
            CallAttempt.agent_user_id == row.user_id,
            col(CallAttempt.result).is_not(None),
            col(CallAttempt.created_at) >= now - timedelta(hours=12),
        )
        .order_by(col(CallAttempt.ended_at).desc())
        .limit(1)
    ).first()
    if last is not None and last.ended_at is not None:
        result = label(Kind.CALL_RESULT, last.result) if last.result else ""
        campaign = db.get(Campaign, row.campaign_id) if row.campaign_id else None
        at = last.ended_at.replace(tzinfo=UTC).astimezone(ZoneInfo(_day_zone(db, campaign)))
        progress["last_attempt"] = f"Dernière tentative : {result.lower()} ({at:%H:%M})."
    return progress


# -- « Mes rappels » -----------------------------------------------------------


@dataclass(frozen=True)
class CallbackRow:
    contact_id: int
    reference: str
    name: str
    local_time: str
    mine: bool
    callable_now: bool
    reason: str


def _local(moment: datetime, time_zone: str) -> str:
    local = moment.replace(tzinfo=UTC).astimezone(ZoneInfo(time_zone))
    return f"{local:%d/%m/%Y %H:%M} ({time_zone})"


def _callbacks_of(
    db: Session, campaign: Campaign, user_id: int, now: datetime
) -> list[tuple[CampaignContact, Person, bool]]:
    rows = db.exec(
        select(CampaignContact, Person)
        .join(Person, col(Person.id) == col(CampaignContact.person_id))
        .where(
            CampaignContact.campaign_id == campaign.id,
            CampaignContact.status == ContactStatus.PENDING,
            col(CampaignContact.callback_at).is_not(None),
            col(Person.anonymised_at).is_(None),
        )
        .order_by(col(CampaignContact.callback_at), col(CampaignContact.id))
        .limit(CALLBACKS_MAX)
    ).all()
    ids = [contact.id or 0 for contact, _ in rows]
    # Who asked for each callback: the agent of the latest outcome that set one.
    latest = (
        select(Outcome.contact_id, func.max(Outcome.id).label("last"))
        .where(col(Outcome.contact_id).in_(ids), col(Outcome.callback_at).is_not(None))
        .group_by(col(Outcome.contact_id))
        .subquery()
    )
    owners = dict(
        db.exec(
            select(Outcome.contact_id, Outcome.agent_user_id).join(
                latest, col(Outcome.id) == latest.c.last
            )
        ).all()
    )
    found = [(contact, person, owners.get(contact.id or 0) == user_id) for contact, person in rows]
    # Mine first, then the campaign's shared ones, each by time.
    return sorted(found, key=lambda item: not item[2])


def _reason(block: Block | None, time_zone: str) -> str:
    if block is None:
        return ""
    if block.until is None:
        return block.reason_fr
    return f"{block.reason_fr} Possible à partir du {_local(block.until, time_zone)}."


def callback_rows(
    db: Session, campaign: Campaign, user_id: int, now: datetime
) -> tuple[list[CallbackRow], list[int]]:
    """The callbacks to show and the people they name (for the trail)."""
    found = _callbacks_of(db, campaign, user_id, now)
    verdict = verdicts(db, campaign.id or 0, [c.id or 0 for c, _, _ in found], now)
    rows = []
    for contact, person, mine in found:
        block: Block | None = verdict.get(contact.id or 0)
        rows.append(
            CallbackRow(
                contact_id=contact.id or 0,
                reference=contact.row_ref or "—",
                name=" ".join(p for p in (person.first_name, person.last_name) if p) or "—",
                local_time=_local(contact.callback_at or now, person.time_zone),
                mine=mine,
                callable_now=block is None,
                reason=_reason(block, person.time_zone),
            )  # fmt: skip
        )
    return rows, [person.id or 0 for _, person, _ in found]


def _trace_list(
    db: Session, user: User, people: list[int], fields: tuple[str, ...], campaign_id: int,
    detail: str, address: str | None,
) -> None:  # fmt: skip
    for person_id in sorted(set(people)):
        record_access(
            db, actor=user.username, actor_role=user.role, action=TrailAction.SEARCH,
            person_id=person_id, fields=list(fields), campaign_id=campaign_id,
            address=address, detail=detail,
        )  # fmt: skip


def _notice(request: Request, message: str, status: int) -> Response:
    return render(request, "desk/notice.html", {"message": message}, status=status)


def _campaign_of(db: Session, user: User) -> Campaign | None:
    row = db.get(AgentPresence, user.id or 0)
    return db.get(Campaign, row.campaign_id) if row and row.campaign_id else None


@router.get("/poste/rappels")
def my_callbacks(request: Request, user: AgentUser, db: DbSession, now: NowDep) -> Response:
    campaign = _campaign_of(db, user)
    if campaign is None:
        return _notice(request, "Rejoignez une campagne pour voir vos rappels.", 409)
    rows, people = callback_rows(db, campaign, user.id or 0, now)
    _trace_list(db, user, people, CALLBACK_FIELDS, campaign.id or 0, "mes rappels",
                _address(request))  # fmt: skip
    db.commit()
    return render(request, "desk/callbacks.html", {"callbacks": rows})


# -- manual dial ---------------------------------------------------------------


def _refuse(
    db: Session, user: User, code: str, campaign_id: int | None, person_id: int | None,
    address: str | None,
) -> None:  # fmt: skip
    """A refused call leaves its trace (the rule that refused it, never the person's data)."""
    db.rollback()
    record_access(
        db, actor=user.username, actor_role=user.role, action=TrailAction.MANUAL_DIAL_REFUSED,
        person_id=person_id, fields=[], campaign_id=campaign_id, address=address, detail=code,
    )  # fmt: skip
    db.commit()


@router.post("/poste/recherche")
def search(request: Request, user: AgentUser, db: DbSession, form: FormDep) -> Response:
    """People of the agent's campaign by reference or name (only when it allows manual dial)."""
    text = field_text(form, "q", 100)
    try:
        campaign = agent_campaign(db, user.id or 0)
        matches = search_people(db, campaign, text)
    except ManualDialRefused as refused:
        return _notice(request, str(refused), 409 if refused.code != "search_too_short" else 400)
    people = [m.person_id for m in matches]
    if people:
        _trace_list(db, user, people, SEARCH_FIELDS, campaign.id or 0, "appel manuel : recherche",
                    _address(request))  # fmt: skip
    else:
        record_access(
            db, actor=user.username, actor_role=user.role, action=TrailAction.SEARCH,
            person_id=None, fields=[], campaign_id=campaign.id, address=_address(request),
            detail="appel manuel : recherche sans résultat",
        )  # fmt: skip
    db.commit()
    return render(request, "desk/search_results.html", {"matches": matches})


def _check_callback(db: Session, user: User, contact_id: int) -> Campaign:
    """A callback of the agent's campaign: callable now by hand, manual dial or not."""
    campaign = agent_campaign(db, user.id or 0, require_manual=False)
    contact = check_person(db, campaign, contact_id)
    if contact.callback_at is None:
        raise ManualDialRefused("not_a_callback", NOT_A_CALLBACK_FR)
    return campaign


@dataclass(frozen=True)
class _Asked:
    contact_id: int
    origin: str


def _read_dial(form: FormDep) -> _Asked | None:
    contact_id = parse_id(field_text(form, "personne", 12))
    origin = field_text(form, "origine", 20)
    if contact_id is None or origin not in ORIGINS:
        return None
    return _Asked(contact_id, origin)


@router.post("/poste/appel-manuel")
async def manual_dial(
    request: Request, user: AgentUser, db: DbSession, form: FormDep, now: NowDep,
    control: CallControlDep, runtime: RuntimeDep,
) -> Response:  # fmt: skip
    """Call a person of the campaign now: a callback, or one found by a search.

    Refused (French, traced, nothing sent to the PBX) for a person of another
    campaign or fund, one the rules do not let us call now, a campaign without
    manual dial (a search's person) or with no dialer to place the call.
    """
    asked = _read_dial(form)
    if asked is None:
        return _notice(request, CHOOSE_PERSON_FR, 400)
    address = _address(request)
    agent = user.id or 0
    contact = db.get(CampaignContact, asked.contact_id)
    person_id = contact.person_id if contact is not None else None
    campaign_id = contact.campaign_id if contact is not None else None
    try:
        if asked.origin == "rappel":
            _check_callback(db, user, asked.contact_id)
        else:
            check_person(db, agent_campaign(db, agent), asked.contact_id)
    except ManualDialRefused as refused:
        await run_in_threadpool(_refuse, db, user, refused.code, campaign_id, person_id, address)
        return _notice(request, str(refused), 403 if "other" in refused.code else 409)
    worker = control.dialing_worker()
    if worker is None:
        await run_in_threadpool(_refuse, db, user, "no_dialer", campaign_id, person_id, address)
        return _notice(request, NO_DIALER_FR, 503)
    db.close()
    engine = runtime.engine
    hold = runtime.settings.preview_hold_seconds
    try:
        attempt_id = await run_in_threadpool(
            hold_manual_call, engine, agent, asked.contact_id, worker, now, hold,
            require_manual=asked.origin == "recherche",
        )  # fmt: skip
    except ManualDialRefused as refused:
        await run_in_threadpool(_refuse, db, user, refused.code, campaign_id, person_id, address)
        return _notice(request, str(refused), 409)
    record_access(
        db, actor=user.username, actor_role=user.role, action=TrailAction.MANUAL_DIAL,
        person_id=person_id, fields=list(DIAL_FIELDS), campaign_id=campaign_id,
        attempt_id=attempt_id, address=address, detail=ORIGINS[asked.origin],
    )  # fmt: skip
    db.commit()
    try:
        await control.dial_preview(CallRef(attempt_id, agent, worker))
    except CallControlRefused as refused:
        await run_in_threadpool(release_manual_call, engine, attempt_id, agent, worker, now)
        return _notice(request, refused.message, 409)
    return Response(status_code=204)
