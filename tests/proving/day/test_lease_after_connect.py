"""A lease renewal racing with the call's connect must not re-arm the contact's lease.

Seen in a whole simulated day: the worker's renewal (from its list of leased
contacts, read before the connect removed the call from it) set an expiry again
on a contact the recorder had just handed to the agent; the lease expired during
the talk and the person was dialled a second time while still on the line.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from dialer.campaigns.selection import release_expired_leases, renew_lease
from dialer.contacts.people.models import CampaignContact
from dialer.core.columns import utcnow
from dialer.core.db import session_scope
from tests.dialer.engine.calling.conftest import add_people, make_campaign

WORKER = "worker-a"


def _held(engine: Engine, *, expires_in: timedelta | None) -> int:
    campaign = make_campaign(engine)
    [contact_id] = add_people(engine, campaign, ["+33611000001"])
    with session_scope(engine) as session:
        contact = session.get(CampaignContact, contact_id)
        assert contact is not None
        contact.status, contact.lease_owner = "in_progress", WORKER
        contact.lease_expires_at = utcnow() + expires_in if expires_in is not None else None
        session.add(contact)
    return contact_id


def _contact(engine: Engine, contact_id: int) -> CampaignContact:
    with Session(engine) as session:
        contact = session.get(CampaignContact, contact_id)
        assert contact is not None
        return contact


def test_a_contact_held_by_its_agent_keeps_no_expiry(engine: Engine) -> None:
    contact_id = _held(engine, expires_in=None)  # as the recorder leaves it on connect
    now = utcnow()
    assert renew_lease(engine, contact_id, WORKER, now, 120) is False
    assert _contact(engine, contact_id).lease_expires_at is None
    release_expired_leases(engine, now + timedelta(hours=1))
    assert _contact(engine, contact_id).status == "in_progress"


def test_a_contact_still_dialling_is_renewed(engine: Engine) -> None:
    contact_id = _held(engine, expires_in=timedelta(seconds=30))
    now = utcnow()
    assert renew_lease(engine, contact_id, WORKER, now, 120) is True
    assert _contact(engine, contact_id).lease_expires_at == now + timedelta(seconds=120)
