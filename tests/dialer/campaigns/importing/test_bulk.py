"""Bulk writes store exactly what SQLAlchemy's own insert would store."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import insert, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dialer.campaigns.importing.bulk import insert_rows, insert_with_ids, one_of
from dialer.campaigns.importing.store import CONTACT, PERSON
from dialer.campaigns.models import Campaign


@pytest.fixture
def fund_id(engine: Engine, campaign_id: int) -> int:
    with Session(engine) as session:
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        return campaign.fund_id


def _person(key: str, now: datetime, fund_id: int) -> dict[str, object]:
    return {
        "identity_key": key,
        "nir_cipher": None,
        "nir_lookup": None,
        "birth_date": date(1984, 12, 15),
        "last_name": "Dupont",
        "first_name": "Élodie",
        "phone_e164": "+33612345678",
        "phone2_e164": None,
        "audience": "insured",
        "fund_id": fund_id,
        "territory": "metro",
        "time_zone": "Europe/Paris",
        "limited": False,
        "created_at": now,
        "updated_at": now,
        "last_activity_at": now,
    }


def test_bulk_person_rows_read_back_like_sqlalchemy_inserted_ones(
    engine: Engine, fund_id: int
) -> None:
    now = datetime(2026, 12, 6, 7, 0, 0, 123456)
    with engine.begin() as conn:
        conn.execute(insert(PERSON), [_person("by-orm", now, fund_id)])
        ids = insert_with_ids(
            conn, PERSON, [_person(f"bulk-{i}", now, fund_id) for i in range(3)], "identity_key"
        )
        rows = {r.identity_key: r._asdict() for r in conn.execute(select(PERSON))}
    assert len(set(ids)) == 3
    reference = {k: v for k, v in rows.pop("by-orm").items() if k not in ("id", "identity_key")}
    for key, row in rows.items():
        assert ids[int(key.split("-")[1])] == row["id"]
        assert {k: v for k, v in row.items() if k not in ("id", "identity_key")} == reference


def test_bulk_contact_rows_keep_json_and_timestamps(
    engine: Engine, campaign_id: int, fund_id: int
) -> None:
    now = datetime(2026, 12, 6, 7, 0, 0)
    with engine.begin() as conn:
        [person_id] = insert_with_ids(conn, PERSON, [_person("p", now, fund_id)], "identity_key")
        row = {
            "campaign_id": campaign_id, "person_id": person_id, "row_ref": "R1",
            "theme_data": {"child_age": 6, "note": "é"}, "status": "pending", "attempts": 0,
            "retry_counts": {}, "import_job_id": None, "created_at": now, "updated_at": now,
        }  # fmt: skip
        insert_rows(conn, CONTACT, [row])
        stored = conn.execute(select(CONTACT)).one()._asdict()
    assert stored["theme_data"] == {"child_age": 6, "note": "é"}
    assert stored["retry_counts"] == {}
    assert stored["created_at"] == now


def test_one_of_finds_each_listed_key_once(engine: Engine, fund_id: int) -> None:
    now = datetime(2026, 12, 6, 7, 0, 0)
    with engine.begin() as conn:
        insert_with_ids(
            conn, PERSON, [_person(f"k{i}", now, fund_id) for i in range(20)], "identity_key"
        )
        keys = [f"k{i}" for i in range(17)] + ["absent", "k3"]
        found = conn.execute(
            select(PERSON.c.identity_key).where(one_of(conn, PERSON.c.identity_key, keys))
        ).scalars()
        assert sorted(found) == sorted(f"k{i}" for i in range(17))
