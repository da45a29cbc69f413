"""Store one batch of parsed rows: upsert people, then their campaign contacts.

Idempotent: a person is found by identity key, a contact by the fund's row
reference, else by person. A row seen again in the same import is merged
(the same person is never listed twice in a campaign); a row seen again in a
later import of the same file changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from dialer.campaigns.importing.bulk import (
    insert_tuples,
    insert_tuples_with_ids,
    one_of,
    stored_form,
    tune_for_bulk,
)
from dialer.campaigns.importing.records import PERSON_ROW, PHONE2_AT, PHONE_AT, ContactRecord
from dialer.campaigns.importing.report import ImportSummary, Reject
from dialer.contacts.people.models import CampaignContact, ContactStatus, Person
from dialer.core.columns import utcnow

PERSON = Person.__table__  # type: ignore[attr-defined]
CONTACT = CampaignContact.__table__  # type: ignore[attr-defined]
REF_CONFLICT = "référence déjà attribuée à une autre personne dans cette campagne"
COMPARED_CONTACT_COLUMNS = ("row_ref",)


@dataclass
class BatchPlan:
    new_people: dict[str, list[Any]] = field(default_factory=dict)
    changed_people: dict[int, dict[str, Any]] = field(default_factory=dict)
    new_contacts: dict[str, ContactRecord] = field(default_factory=dict)
    new_refs: dict[str, str] = field(default_factory=dict)  # row ref -> identity key
    changed_contacts: dict[int, dict[str, Any]] = field(default_factory=dict)


@dataclass
class Existing:
    people: dict[str, dict[str, Any]]  # identity key -> person row
    contacts_by_person: dict[int, dict[str, Any]]
    contacts_by_ref: dict[str, dict[str, Any]]


def store_batch(
    conn: Connection,
    records: list[ContactRecord],
    campaign_id: int,
    job_id: int,
    theme_plain_of: Any,
    summary: ImportSummary,
) -> None:
    tune_for_bulk(conn)
    existing = _load_existing(conn, records, campaign_id)
    plan = BatchPlan()
    for record in records:
        _plan_record(record, existing, plan, job_id, theme_plain_of, summary)
    _write(conn, plan, campaign_id, job_id)


def _load_existing(conn: Connection, records: list[ContactRecord], campaign_id: int) -> Existing:
    keys = list({r.identity_key for r in records})
    people = {
        row["identity_key"]: dict(row)
        for row in conn.execute(
            select(PERSON).where(one_of(conn, PERSON.c.identity_key, keys))
        ).mappings()
    }
    person_ids = [p["id"] for p in people.values()]
    refs = list({r.row_ref for r in records if r.row_ref})
    by_person: dict[int, dict[str, Any]] = {}
    by_ref: dict[str, dict[str, Any]] = {}
    for column, values in ((CONTACT.c.person_id, person_ids), (CONTACT.c.row_ref, refs)):
        if not values:
            continue
        query = select(CONTACT).where(
            CONTACT.c.campaign_id == campaign_id, one_of(conn, column, values)
        )
        for row in conn.execute(query).mappings():
            by_person[row["person_id"]] = dict(row)
            if row["row_ref"]:
                by_ref[row["row_ref"]] = dict(row)
    return Existing(people, by_person, by_ref)


def _plan_record(
    record: ContactRecord,
    existing: Existing,
    plan: BatchPlan,
    job_id: int,
    theme_plain_of: Any,
    summary: ImportSummary,
) -> None:
    person = existing.people.get(record.identity_key)
    contact = existing.contacts_by_person.get(person["id"]) if person else None
    if _ref_taken_by_someone_else(record, existing, plan, person):
        summary.add_rejects([Reject(record.line, "référence", record.row_ref or "", REF_CONFLICT)])
        return
    if contact is None and record.identity_key in plan.new_contacts:
        _merge_into(plan.new_contacts[record.identity_key], record)
        summary.merged += 1
        return
    person_changed = _plan_person(record, person, plan)
    if contact is None:
        record.person_id = person["id"] if person else None
        plan.new_contacts[record.identity_key] = record
        if record.row_ref:
            plan.new_refs[record.row_ref] = record.identity_key
        summary.stored += 1
    elif contact["import_job_id"] == job_id:
        summary.merged += 1
    elif _plan_contact_change(record, contact, plan, theme_plain_of) or person_changed:
        summary.updated += 1
    else:
        summary.unchanged += 1


def _ref_taken_by_someone_else(
    record: ContactRecord, existing: Existing, plan: BatchPlan, person: dict[str, Any] | None
) -> bool:
    if not record.row_ref:
        return False
    holder = existing.contacts_by_ref.get(record.row_ref)
    if holder is not None:
        return person is None or holder["person_id"] != person["id"]
    planned = plan.new_refs.get(record.row_ref)
    return planned is not None and planned != record.identity_key


def _merge_into(first: ContactRecord, duplicate: ContactRecord) -> None:
    phones = {first.person[PHONE_AT], first.person[PHONE2_AT]}
    extra = duplicate.person[PHONE_AT]
    if extra and extra not in phones and not first.person[PHONE2_AT]:
        first.person[PHONE2_AT] = extra


def _plan_person(record: ContactRecord, person: dict[str, Any] | None, plan: BatchPlan) -> bool:
    if person is None:
        plan.new_people.setdefault(record.identity_key, record.person)
        return False
    changes = {
        column: value
        for column in record.person_given
        if person.get(column) != (value := record.person_value(column))
    }
    if changes:
        plan.changed_people[person["id"]] = {**plan.changed_people.get(person["id"], {}), **changes}
    return bool(changes)


def _plan_contact_change(
    record: ContactRecord, contact: dict[str, Any], plan: BatchPlan, theme_plain_of: Any
) -> bool:
    changes: dict[str, Any] = {}
    if theme_plain_of(contact["theme_data"] or {}) != record.theme_plain():
        changes["theme_data"] = json.loads(record.theme_json)
    if record.row_ref and contact["row_ref"] != record.row_ref:
        changes["row_ref"] = record.row_ref
    if changes:
        plan.changed_contacts[contact["id"]] = changes
    return bool(changes)


CONTACT_ROW = (
    "campaign_id", "person_id", "row_ref", "theme_data", "status", "attempts", "retry_counts",
    "import_job_id", "created_at", "updated_at",
)  # fmt: skip
# Values already in the driver's form: JSON text encoded by the parsing processes
# or constant, timestamps converted once a batch, booleans (the driver's own).
CONTACT_RAW = frozenset({"theme_data", "retry_counts", "created_at", "updated_at"})
PERSON_INSERTED = (*PERSON_ROW, "created_at", "updated_at", "last_activity_at")
PERSON_RAW = frozenset({"limited", "created_at", "updated_at", "last_activity_at"})


def _write(conn: Connection, plan: BatchPlan, campaign_id: int, job_id: int) -> None:
    now = utcnow()
    person_ids = _insert_people(conn, plan, stored_form(conn, PERSON, "created_at", now))
    _update_rows(conn, PERSON, plan.changed_people, now)
    pending = ContactStatus.PENDING.value
    stamp = stored_form(conn, CONTACT, "created_at", now)
    insert_tuples(
        conn,
        CONTACT,
        CONTACT_ROW,
        [
            (
                campaign_id,
                record.person_id or person_ids[key],
                record.row_ref,
                record.theme_json,
                pending,
                0,
                "{}",
                job_id,
                stamp,
                stamp,
            )
            for key, record in plan.new_contacts.items()
        ],
        CONTACT_RAW,
    )
    _update_rows(conn, CONTACT, plan.changed_contacts, now)


def _insert_people(conn: Connection, plan: BatchPlan, stamp: Any) -> dict[str, int]:
    if not plan.new_people:
        return {}
    stamps = (stamp, stamp, stamp)
    rows = [(*person, *stamps) for person in plan.new_people.values()]
    ids = insert_tuples_with_ids(conn, PERSON, PERSON_INSERTED, rows, 0, PERSON_RAW)
    return dict(zip(plan.new_people, ids, strict=True))


def _update_rows(
    conn: Connection, table: Any, changes: dict[int, dict[str, Any]], now: Any
) -> None:
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row_id, values in changes.items():
        by_columns.setdefault(tuple(sorted(values)), []).append({"_id": row_id, **values})
    for columns, rows in by_columns.items():
        statement = (
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values({**{c: bindparam(c) for c in columns}, "updated_at": now})
        )
        conn.execute(statement, rows)
