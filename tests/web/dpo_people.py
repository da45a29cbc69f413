"""People imported into the shared test world, for the DPO's pages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from sqlmodel import Session, col, select

from dialer.campaigns.importing.pipeline import import_contacts
from dialer.contacts.people.models import Person
from dialer.demo.contact_file import write_contact_file
from tests.web.conftest import World


@dataclass(frozen=True)
class Imported:
    person_id: int
    nir: str
    phone: str


def import_people(app: FastAPI, world: World, folder: Path, count: int = 3) -> Imported:
    """``count`` people in the world's flu campaign; the first one's id, NIR and phone."""
    runtime = app.state.runtime
    path = folder / "dpo-people.csv"
    write_contact_file(path, "flu_vaccination", count, seed=4, bad_ratio=0.0)
    import_contacts(runtime.engine, world.campaign_id, path, runtime.cipher)
    with Session(runtime.engine) as db:
        person = db.exec(select(Person).order_by(col(Person.id))).first()
        assert person is not None and person.id is not None
        nir = runtime.cipher.decrypt(person.nir_cipher or "", "nir")
        return Imported(person.id, nir, person.phone_e164 or "")
