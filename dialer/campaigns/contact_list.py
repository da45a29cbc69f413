"""A campaign's contacts, a page at a time: search, filters and keyset pagination.

Pages are read by keyset (``id > after``), never by OFFSET, so page 400 costs what
page 1 does. The search never uses LIKE: a reference is matched exactly (the
``(campaign_id, row_ref)`` unique index) and a name is matched whole on
``lower(last_name)``, which an expression index serves; ``%`` or ``_`` typed in the
box are then plain characters, and no search scans the campaign. Names are stored
in clear (only the NIR and the provisional code are sealed), so no keyed hash is
needed to find them.

SQLite's ``lower()`` folds ASCII letters only: the name is compared in the casings
a file or a person writes it in (as typed, upper, lower, capitalised), each folded
by the database itself, so « hélène » finds « HÉLÈNE » on both databases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlmodel import Session, col

from dialer.contacts.people.models import CampaignContact, ContactStatus, Person
from dialer.contacts.territories import Territory
from dialer.contacts.themes.base import Audience
from dialer.core.errors import DomainError
from telephony.results import CallResult

PAGE_SIZE = 50
# Up to this many people matching a name or a territory, the list walks from them to their
# contacts; beyond, it walks the campaign in order and 50 of them come quickly.
WALK_MAX = 2_000
SEARCH_MAX = 100
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# The person fields the list shows, per audience: enough to recognise someone, no more.
NAME_FIELDS: dict[Audience, tuple[str, ...]] = {
    Audience.INSURED: ("last_name", "first_name"),
    Audience.PROFESSIONAL: ("last_name", "first_name"),
    Audience.EMPLOYER: ("company_name", "local_contact_name"),
}
LIST_FIELDS = ("row_ref", "territory")


class ContactListError(DomainError):
    """A search or filter the list refuses; the message is French."""


@dataclass(frozen=True, slots=True)
class ContactQuery:
    campaign_id: int
    audience: Audience
    search: str = ""
    status: str | None = None
    territory: str | None = None
    last_result: str | None = None
    after: int = 0
    limit: int = PAGE_SIZE


@dataclass(frozen=True, slots=True)
class ContactRow:
    contact_id: int
    person_id: int
    row_ref: str | None
    names: tuple[str, ...]
    territory: str
    status: str
    done_reason: str | None
    attempts: int
    last_result: str | None
    last_attempt_at: datetime | None
    next_call_at: datetime | None


@dataclass(frozen=True, slots=True)
class ContactPage:
    rows: list[ContactRow] = field(default_factory=list)
    next_after: int | None = None  # the cursor of the next page, None on the last one

    def person_fields(self, audience: Audience) -> list[str]:
        """The fields this page shows, as the access trail records them."""
        return [*LIST_FIELDS, *NAME_FIELDS[audience]]


def clean_search(raw: str) -> str:
    """The search term, or a French refusal for what cannot be a reference or a name."""
    text = raw.strip()
    if _CONTROL.search(text):
        raise ContactListError("La recherche contient un caractère de contrôle : retirez-le.")
    if len(text) > SEARCH_MAX:
        raise ContactListError(
            f"La recherche est trop longue ({len(text)} caractères, {SEARCH_MAX} au plus)."
        )
    return text


def check_filters(status: str | None, territory: str | None, last_result: str | None) -> None:
    """Filters come from the page's menus: anything else is refused, never passed on."""
    if status and status not in {s.value for s in ContactStatus}:
        raise ContactListError("Statut inconnu : choisissez-le dans la liste.")
    if territory and territory not in {t.value for t in Territory}:
        raise ContactListError("Territoire inconnu : choisissez-le dans la liste.")
    if last_result and last_result != "none" and last_result not in {r.value for r in CallResult}:
        raise ContactListError("Dernier résultat inconnu : choisissez-le dans la liste.")


def _name_variants(term: str) -> list[str]:
    return sorted({term, term.upper(), term.lower(), term.capitalize(), term.title()})


def _search_condition(session: Session, campaign_id: int, term: str) -> ColumnElement[bool]:
    """A reference when one matches exactly, else a last name.

    Decided here rather than by an OR in SQL: a planner facing ``ref = x OR person in
    (…)`` with ORDER BY id LIMIT may walk the whole campaign in id order instead.
    """
    cc = CampaignContact
    by_ref = select(col(cc.id)).where(col(cc.campaign_id) == campaign_id, col(cc.row_ref) == term)
    if session.execute(by_ref).first() is not None:
        return col(cc.row_ref) == term
    lowered = [func.lower(v) for v in _name_variants(term)]
    by_name = select(col(Person.id)).where(func.lower(col(Person.last_name)).in_(lowered))
    if _few(session, by_name):
        return col(cc.person_id).in_(by_name)
    # A common name (MARTIN): 50 of its bearers come quickly in the campaign's own order.
    return func.lower(col(Person.last_name)).in_(lowered)


def _few(session: Session, people: Select[Any]) -> bool:
    """Whether at most ``WALK_MAX`` people match: counted through the index, capped."""
    capped = people.limit(WALK_MAX + 1).subquery()
    return int(session.execute(select(func.count()).select_from(capped)).scalar_one()) <= WALK_MAX


def _conditions(session: Session, query: ContactQuery) -> list[ColumnElement[bool]]:
    cc = CampaignContact
    where: list[ColumnElement[bool]] = [col(cc.campaign_id) == query.campaign_id]
    if query.after:
        where.append(col(cc.id) > query.after)
    if query.search:
        where.append(_search_condition(session, query.campaign_id, query.search))
    if query.status:
        where.append(col(cc.status) == query.status)
    if query.last_result == "none":
        where.append(col(cc.last_result).is_(None))
    elif query.last_result:
        where.append(col(cc.last_result) == query.last_result)
    if query.territory:
        where.append(_territory_condition(session, query.territory))
    return where


def _territory_condition(session: Session, territory: str) -> ColumnElement[bool]:
    """Few people in the territory: walk them (index) to their contacts; many: filter the
    campaign in id order, where 50 of them come quickly.

    Left slow: a territory common in the database but absent from this campaign (a
    metropolitan filter on an overseas fund's campaign) walks the whole campaign.
    """
    people = select(col(Person.id)).where(col(Person.territory) == territory)
    if _few(session, people):
        return col(CampaignContact.person_id).in_(people)
    return col(Person.territory) == territory


def list_contacts(session: Session, query: ContactQuery) -> ContactPage:
    """One page of the campaign's contacts in id order, and the cursor of the next."""
    check_filters(query.status, query.territory, query.last_result)
    search = clean_search(query.search)
    if search != query.search:
        query = replace(query, search=search)
    cc = CampaignContact
    name_columns = [getattr(Person, name) for name in NAME_FIELDS[query.audience]]
    statement = (
        select(
            col(cc.id),
            col(cc.person_id),
            col(cc.row_ref),
            col(Person.territory),
            col(cc.status),
            col(cc.done_reason),
            col(cc.attempts),
            col(cc.last_result),
            col(cc.last_attempt_at),
            col(cc.next_attempt_at),
            col(cc.callback_at),
            *name_columns,
        )  # fmt: skip
        .join(Person, col(Person.id) == col(cc.person_id))
        .where(*_conditions(session, query))
        .order_by(col(cc.id))
        .limit(query.limit + 1)
    )
    found = session.execute(statement).all()
    rows = [_row(values, len(name_columns)) for values in found[: query.limit]]
    more = len(found) > query.limit
    return ContactPage(rows=rows, next_after=rows[-1].contact_id if more and rows else None)


def _row(values: tuple[object, ...], names: int) -> ContactRow:
    (contact_id, person_id, row_ref, territory, status, done_reason, attempts, last_result,
     last_attempt_at, next_attempt_at, callback_at) = values[:11]  # fmt: skip
    return ContactRow(
        contact_id=int(contact_id),  # type: ignore[call-overload]
        person_id=int(person_id),  # type: ignore[call-overload]
        row_ref=row_ref,  # type: ignore[arg-type]
        names=tuple(str(v) for v in values[11 : 11 + names] if v),
        territory=str(territory),
        status=str(status),
        done_reason=done_reason,  # type: ignore[arg-type]
        attempts=int(attempts),  # type: ignore[call-overload]
        last_result=last_result,  # type: ignore[arg-type]
        last_attempt_at=last_attempt_at,  # type: ignore[arg-type]
        next_call_at=next_call_at(str(status), next_attempt_at, callback_at),  # type: ignore[arg-type]
    )


def next_call_at(
    status: str, next_attempt_at: datetime | None, callback_at: datetime | None
) -> datetime | None:
    """The earliest time the campaign's own rules let it call again (None: now, or never).

    A callback asked by the person comes first; the calling windows and the
    cross-campaign limits may push it later, which the person's « explain » tells.
    """
    if status == ContactStatus.DONE:
        return None
    return callback_at or next_attempt_at
