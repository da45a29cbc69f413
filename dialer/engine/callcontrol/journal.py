"""Call control in the database: the campaign's settings read, every action and refusal kept.

Each action on a person's call is an access to that person's conversation: it lands in
the call's record (``CallControlEntry``) and in the access trail; a refusal too, with
its French reason. A transfer to a fund's service is a follow-up for that fund.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.models import Campaign
from dialer.campaigns.supervision import (
    CampaignSupervisor,
    DestinationKind,
    SupervisionPolicy,
    TransferDestination,
)
from dialer.compliance.feed.kinds import EventKind
from dialer.compliance.feed.outbox import emit_event
from dialer.compliance.privacy.trail import TrailAction, record_access
from dialer.engine.callcontrol.models import CallControlEntry, ControlAction
from dialer.engine.callcontrol.rules import (
    CallControlDenied,
    Destination,
    checked_label,
    checked_target,
)

SUPERVISION = frozenset({ControlAction.LISTEN, ControlAction.WHISPER, ControlAction.BARGE})
# The person reaches the destination: at once (blind), or when the agent leaves an attended
# transfer; an attended transfer cancelled sends the fund nothing.
HANDED_OVER = frozenset({ControlAction.BLIND_TRANSFER, ControlAction.COMPLETE_TRANSFER})
HANDED_OVER_FR = (
    "La personne a été transférée : elle est en ligne avec la destination, cet appel "
    "n'est plus entre vos mains. Enregistrez le résultat."
)
# What ends an attended transfer under way (the consultation).
ENDS_CONSULTATION = frozenset({ControlAction.CANCEL_TRANSFER, ControlAction.COMPLETE_TRANSFER})
# What the trail says was reached: the conversation, never a field of the record.
HEARD = ["conversation"]


@dataclass(frozen=True)
class Actor:
    user_id: int
    username: str
    role: str
    address: str | None = None


def destinations_of(db: Session, campaign_id: int) -> list[Destination]:
    rows = db.exec(
        select(TransferDestination)
        .where(TransferDestination.campaign_id == campaign_id)
        .order_by(col(TransferDestination.label))
    )
    return [Destination(r.id or 0, r.label, r.target, r.kind) for r in rows]


def add_destination(
    db: Session, campaign_id: int, label: str, target: str, kind: DestinationKind
) -> TransferDestination:
    row = TransferDestination(
        campaign_id=campaign_id, label=checked_label(label), target=checked_target(target),
        kind=DestinationKind(kind),
    )  # fmt: skip
    db.add(row)
    db.flush()
    return row


def supervised_campaigns(db: Session, user_id: int) -> list[int]:
    query = select(CampaignSupervisor.campaign_id).where(CampaignSupervisor.user_id == user_id)
    return list(db.exec(query))


def supervisors_of(db: Session, campaign_id: int) -> list[int]:
    """The supervisors (user ids) enabled on a campaign."""
    query = select(CampaignSupervisor.user_id).where(CampaignSupervisor.campaign_id == campaign_id)
    return list(db.exec(query))


def normalised_target(text: str) -> str | None:
    """The destination as it would be stored, or None when it would be refused."""
    try:
        return checked_target(text)
    except CallControlDenied:
        return None


def enable_supervisor(db: Session, campaign_id: int, user_id: int, by: str) -> None:
    if campaign_id not in supervised_campaigns(db, user_id):
        db.add(CampaignSupervisor(campaign_id=campaign_id, user_id=user_id, enabled_by=by))
        db.flush()


def shows_listening(db: Session, campaign_id: int) -> bool:
    policy = db.get(SupervisionPolicy, campaign_id)
    return True if policy is None else policy.show_listening


def set_shows_listening(db: Session, campaign_id: int, shown: bool) -> None:
    policy = db.get(SupervisionPolicy, campaign_id) or SupervisionPolicy(campaign_id=campaign_id)
    policy.show_listening = shown
    db.add(policy)
    db.flush()


def record_done(
    db: Session, attempt: CallAttempt, actor: Actor, action: ControlAction,
    destination: Destination | None = None,
) -> CallControlEntry:  # fmt: skip
    """The action in the call's record and the trail (and the fund's feed for a follow-up)."""
    label = destination.label if destination is not None else None
    entry = _entry(db, attempt, actor, action, label, None)
    trail = TrailAction.CALL_SUPERVISION if action in SUPERVISION else TrailAction.CALL_CONTROL
    _trail(db, attempt, actor, trail, f"{action.value}" + (f" : {label}" if label else ""))
    if (
        destination is not None
        and destination.kind == DestinationKind.FUND
        and action in HANDED_OVER
    ):
        _fund_followup(db, attempt, destination)
    return entry


def handed_over(db: Session, attempt_id: int) -> bool:
    """Whether the person was handed to a transfer's destination: the line, still open,
    is now theirs with that destination, no longer the agent's."""
    query = select(CallControlEntry.id).where(
        CallControlEntry.attempt_id == attempt_id,
        col(CallControlEntry.refused).is_(None),
        col(CallControlEntry.action).in_(sorted(HANDED_OVER)),
    )
    return db.exec(query).first() is not None


def consulted_label(actions: list[tuple[str, str | None]]) -> str | None:
    """The destination an attended transfer is consulting, from the call's done actions in
    order (action, destination label); None when none is under way."""
    label = None
    for action, destination in actions:
        if action == ControlAction.ATTENDED_TRANSFER:
            label = destination or ""
        elif action in ENDS_CONSULTATION:
            label = None
    return label


def consulted_destination(db: Session, attempt: CallAttempt) -> Destination | None:
    """The campaign's destination of the attended transfer under way on this call."""
    query = (
        select(CallControlEntry.action, CallControlEntry.destination)
        .where(CallControlEntry.attempt_id == attempt.id, col(CallControlEntry.refused).is_(None))
        .order_by(col(CallControlEntry.id))
    )
    label = consulted_label(list(db.exec(query)))
    if label is None:
        return None
    listed = destinations_of(db, attempt.campaign_id)
    # Matched by label, as the record keeps it; a destination removed meanwhile still
    # lets the agent finish (Destination without a fund: no follow-up).
    return next((d for d in listed if d.label == label), Destination(0, label, "", ""))


def record_refused(
    db: Session, attempt: CallAttempt, actor: Actor, action: ControlAction, reason: str
) -> CallControlEntry:
    entry = _entry(db, attempt, actor, action, None, reason)
    _trail(db, attempt, actor, TrailAction.REFUSED, f"{action.value} : {reason}")
    return entry


def _entry(
    db: Session, attempt: CallAttempt, actor: Actor, action: ControlAction,
    label: str | None, refused: str | None,
) -> CallControlEntry:  # fmt: skip
    entry = CallControlEntry(
        attempt_id=attempt.id or 0, campaign_id=attempt.campaign_id,
        actor_user_id=actor.user_id, action=action.value, destination=label,
        refused=refused[:300] if refused else None,
    )  # fmt: skip
    db.add(entry)
    db.flush()
    return entry


def _trail(
    db: Session, attempt: CallAttempt, actor: Actor, action: TrailAction, detail: str
) -> None:
    record_access(
        db, actor=actor.username, actor_role=actor.role, action=action,
        person_id=attempt.person_id, fields=HEARD, campaign_id=attempt.campaign_id,
        attempt_id=attempt.id, address=actor.address, detail=detail,
    )  # fmt: skip


def _fund_followup(db: Session, attempt: CallAttempt, destination: Destination) -> None:
    campaign = db.get(Campaign, attempt.campaign_id)
    if campaign is None:
        return
    payload = {
        "category": "transfer",
        "text": f"Appel transféré au service « {destination.label} »",
        "source": "call_transfer",
    }
    emit_event(
        db, campaign.fund_id, EventKind.FOLLOWUP_REQUEST, payload,
        campaign_id=attempt.campaign_id, person_id=attempt.person_id,
    )  # fmt: skip


def control_history(db: Session, attempt_id: int) -> list[CallControlEntry]:
    query = select(CallControlEntry).where(CallControlEntry.attempt_id == attempt_id)
    return list(db.exec(query.order_by(col(CallControlEntry.at), col(CallControlEntry.id))))
