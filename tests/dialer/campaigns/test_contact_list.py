"""The contact list: keyset pages, search by reference or whole last name, filters."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dialer.campaigns.contact_list import (
    ContactListError,
    ContactQuery,
    list_contacts,
    next_call_at,
)
from dialer.campaigns.setup import create_campaign, create_fund
from dialer.contacts.people.models import CampaignContact, Person
from dialer.contacts.territories import Territory
from dialer.contacts.themes.base import Audience

NAMES = ("DUPONT", "Martin", "HÉLÈNE", "O'Brien", "50%_OFF", "Dupont")


def _seed(engine: Engine) -> int:
    with Session(engine) as db:
        fund = create_fund(db, "CPAM75", "CPAM de Paris", Territory.METRO)
        campaign = create_campaign(db, "G-1", "Grippe", "flu_vaccination", fund, "0140000000")
        other = create_campaign(db, "G-2", "Autre", "flu_vaccination", fund, "0140000000")
        for n in range(12):
            territory = Territory.REUNION if n % 4 == 0 else Territory.METRO
            person = Person(
                audience="insured", identity_key=f"p{n}", fund_id=fund.id or 0,
                last_name=NAMES[n % len(NAMES)], first_name=f"Prénom{n}",
                territory=territory.value, time_zone="Europe/Paris",
            )  # fmt: skip
            db.add(person)
            db.flush()
            for target in (campaign, other) if n < 2 else (campaign,):
                db.add(
                    CampaignContact(
                        campaign_id=target.id or 0,
                        person_id=person.id or 0,
                        row_ref=f"R{n:03d}",
                        status="done" if n % 3 == 0 else "pending",
                        last_result="busy" if n % 2 else None,
                        attempts=n % 3,
                    )  # fmt: skip
                )
        db.commit()
        return campaign.id or 0


def _page(engine: Engine, campaign_id: int, **filters: object) -> list[str]:
    with Session(engine) as db:
        page = list_contacts(
            db,
            ContactQuery(campaign_id=campaign_id, audience=Audience.INSURED, **filters),  # type: ignore[arg-type]
        )
    return [row.row_ref or "" for row in page.rows]


def test_pages_follow_each_other_without_overlap_or_gap(engine: Engine) -> None:
    campaign_id = _seed(engine)
    seen: list[str] = []
    after = 0
    with Session(engine) as db:
        while True:
            query = ContactQuery(campaign_id, Audience.INSURED, after=after, limit=5)
            page = list_contacts(db, query)
            seen += [row.row_ref or "" for row in page.rows]
            if page.next_after is None:
                break
            after = page.next_after
    assert seen == [f"R{n:03d}" for n in range(12)]


def test_a_reference_is_found_exactly_and_only_in_this_campaign(engine: Engine) -> None:
    campaign_id = _seed(engine)
    assert _page(engine, campaign_id, search="R001") == ["R001"]
    assert _page(engine, campaign_id, search="R00") == []


def test_a_last_name_is_found_whatever_its_case_even_with_accents(engine: Engine) -> None:
    campaign_id = _seed(engine)
    assert _page(engine, campaign_id, search="dupont") == ["R000", "R005", "R006", "R011"]
    assert _page(engine, campaign_id, search="hélène") == ["R002", "R008"]
    assert _page(engine, campaign_id, search="  Martin ") == ["R001", "R007"]


def test_like_metacharacters_are_plain_characters(engine: Engine) -> None:
    campaign_id = _seed(engine)
    assert _page(engine, campaign_id, search="%") == []
    assert _page(engine, campaign_id, search="_") == []
    assert _page(engine, campaign_id, search="50%_off") == ["R004", "R010"]
    assert _page(engine, campaign_id, search="o'brien") == ["R003", "R009"]
    assert _page(engine, campaign_id, search="' OR 1=1 --") == []


def test_filters_combine(engine: Engine) -> None:
    campaign_id = _seed(engine)
    assert _page(engine, campaign_id, status="done") == ["R000", "R003", "R006", "R009"]
    assert _page(engine, campaign_id, territory="reunion") == ["R000", "R004", "R008"]
    assert _page(engine, campaign_id, last_result="busy", status="done") == ["R003", "R009"]
    assert _page(engine, campaign_id, last_result="none", territory="reunion") == [
        "R000", "R004", "R008",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"status": "x' OR 1=1"}, "Statut inconnu"),
        ({"territory": "mars"}, "Territoire inconnu"),
        ({"last_result": "%"}, "Dernier résultat inconnu"),
        ({"search": "a\x00b"}, "caractère de contrôle"),
        ({"search": "x" * 101}, "trop longue"),
    ],
)
def test_bad_filters_are_refused_in_french(
    engine: Engine, filters: dict[str, str], message: str
) -> None:
    campaign_id = _seed(engine)
    with pytest.raises(ContactListError, match=message):
        _page(engine, campaign_id, **filters)


def test_next_call_is_the_callback_first_and_never_once_done() -> None:
    from datetime import datetime

    later, callback = datetime(2026, 12, 2, 9), datetime(2026, 12, 1, 15)
    assert next_call_at("pending", later, callback) == callback
    assert next_call_at("pending", later, None) == later
    assert next_call_at("done", later, callback) is None


def test_a_common_name_or_territory_is_filtered_the_other_way_with_the_same_answer(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dialer.campaigns.contact_list as contact_list

    campaign_id = _seed(engine)
    walked = _page(engine, campaign_id, territory="reunion", status="done")
    by_name = _page(engine, campaign_id, search="hélène")
    monkeypatch.setattr(contact_list, "WALK_MAX", 0)
    assert _page(engine, campaign_id, territory="reunion", status="done") == walked == ["R000"]
    assert _page(engine, campaign_id, search="hélène") == by_name == ["R002", "R008"]
