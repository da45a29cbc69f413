"""Key rotation: everything re-sealed under the new key, old key retired, look-ups kept."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from dialer.compliance.feed.models import FeedEvent
from dialer.compliance.feed.outbox import emit_event
from dialer.compliance.privacy.rotation import reencrypt_all, rotate_keys
from dialer.contacts.funds import Fund
from dialer.contacts.people.models import CampaignContact, Person
from dialer.core.crypto import DataCipher, KeyRing, save_key_ring
from dialer.core.db import session_scope
from tests.dialer.compliance.privacy.conftest import World


def _tokens(engine: Engine) -> list[str]:
    """Every sealed value in the database."""
    with Session(engine) as session:
        found = [p.nir_cipher for p in session.exec(select(Person)) if p.nir_cipher]
        found += [f.webhook_secret_cipher for f in session.exec(select(Fund))]  # type: ignore[misc]
        for contact in session.exec(select(CampaignContact)):
            code = (contact.theme_data or {}).get("provisional_code")
            if code:
                found.append(code)
        found += [e.payload["nir_sealed"] for e in session.exec(select(FeedEvent))]
    return [token for token in found if token]


def _plain(engine: Engine, cipher: DataCipher) -> tuple[list[str], list[str], str]:
    with Session(engine) as session:
        people = session.exec(select(Person).order_by(col(Person.id)))
        nirs = [cipher.decrypt(p.nir_cipher or "", "nir") for p in people]
        contacts = session.exec(select(CampaignContact).order_by(col(CampaignContact.id)))
        codes = [
            cipher.decrypt(c.theme_data["provisional_code"], "theme:provisional_code")
            for c in contacts
            if "provisional_code" in (c.theme_data or {})
        ]
        fund = session.exec(select(Fund)).one()
        hook = cipher.decrypt(fund.webhook_secret_cipher or "", "webhook")
    return nirs, codes, hook


def _with_feed_event(engine: Engine, world: World) -> None:
    person_id = world.person_ids(engine, "flu_vaccination")[0]
    with session_scope(engine) as session:
        emit_event(
            session, world.fund_id, "rectification", {"field": "email", "value": "a@b.fr"},
            campaign_id=world.campaigns["flu_vaccination"], person_id=person_id,
        )  # fmt: skip


def test_rotation_reseals_everything_and_retires_the_old_key(
    engine: Engine, cipher: DataCipher, world: World, tmp_path: Path
) -> None:
    _with_feed_event(engine, world)
    key_file = tmp_path / "keys.json"
    save_key_ring(cipher.ring, key_file)
    before = _plain(engine, cipher)
    assert len(before[0]) == 12 and len(before[1]) == 6

    report = rotate_keys(engine, key_file, batch_size=4)

    ring = KeyRing.from_json(key_file.read_text())
    assert ring.active == "k2" and set(ring.keys) == {"k2"}
    assert report.retired == ["k1"] and report.kept == [] and not report.resumed
    assert report.rewritten == {"nir": 12, "theme": 6, "webhook": 1, "feed": 1}
    assert all(token.startswith("v1:k2:") for token in _tokens(engine))
    rotated = DataCipher(ring)
    assert _plain(engine, rotated) == before
    # The look-up key is unchanged: a person is still found by NIR.
    with Session(engine) as session:
        found = session.exec(
            select(Person).where(Person.nir_lookup == rotated.lookup(before[0][3], "nir"))
        ).one()
        assert rotated.decrypt(found.nir_cipher or "", "nir") == before[0][3]

    again = reencrypt_all(engine, rotated)
    assert sum(again.rewritten.values()) == 0
    assert dict(again.census) == {"k2": 20}


def test_interrupted_rotation_is_resumed_without_a_new_key(
    engine: Engine, cipher: DataCipher, world: World, tmp_path: Path
) -> None:
    key_file = tmp_path / "keys.json"
    ring = cipher.ring.with_new_active_key()
    save_key_ring(ring, key_file)  # as if a rotation stopped right after saving the ring
    before = _plain(engine, cipher)
    with Session(engine) as session:
        first = session.exec(select(Person).order_by(col(Person.id))).first()
        assert first is not None
        first_id, first_token = first.id, first.nir_cipher

    report = rotate_keys(engine, key_file)

    assert report.resumed and report.active_key == "k2" and report.retired == ["k1"]
    saved = json.loads(key_file.read_text())
    assert saved["active"] == "k2" and list(saved["keys"]) == ["k2"]
    assert _plain(engine, DataCipher(KeyRing.from_json(key_file.read_text()))) == before
    with Session(engine) as session:
        person = session.get(Person, first_id)
        assert person is not None and person.nir_cipher != first_token


def test_old_key_kept_while_an_unreadable_token_uses_it(
    engine: Engine, cipher: DataCipher, world: World, tmp_path: Path
) -> None:
    key_file = tmp_path / "keys.json"
    save_key_ring(cipher.ring, key_file)
    with session_scope(engine) as session:
        person = session.exec(select(Person)).first()
        assert person is not None
        # Sealed for another purpose: authentication fails, the value cannot be moved.
        person.nir_cipher = cipher.encrypt("184127511108988", "not-nir")
        session.add(person)

    report = rotate_keys(engine, key_file)

    assert report.kept == ["k1"] and report.retired == [] and report.unreadable == 1
    assert set(KeyRing.from_json(key_file.read_text()).keys) == {"k1", "k2"}
    assert "conservées" in report.text_fr()
