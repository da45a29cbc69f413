"""Readiness: the database answers and every PBX this process drives is logged in.

Shared by the web app's ``/readyz`` and the dialer worker's own endpoint. A
process that drives no PBX (a web-only process) reports only the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

OK = "ok"
DOWN = "injoignable"


@dataclass(frozen=True)
class Readiness:
    database: str
    pbx: dict[str, str] = field(default_factory=dict)  # worker id -> ok / injoignable

    @property
    def ready(self) -> bool:
        return self.database == OK and all(state == OK for state in self.pbx.values())

    @property
    def down(self) -> list[str]:
        """What is down, named for the operator: ``database``, ``pbx:<worker id>``."""
        names = [] if self.database == OK else ["database"]
        return names + [f"pbx:{name}" for name, state in self.pbx.items() if state != OK]

    def body(self) -> dict[str, object]:
        status = "ok" if self.ready else "indisponible"
        body: dict[str, object] = {"status": status, "database": self.database}
        if self.pbx:
            body["pbx"] = dict(self.pbx)
        if not self.ready:
            body["down"] = self.down
        return body


def database_state(engine: Engine) -> str:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return DOWN
    return OK


def check(engine: Engine, pbx_connected: Mapping[str, bool]) -> Readiness:
    pbx = {name: OK if up else DOWN for name, up in pbx_connected.items()}
    return Readiness(database_state(engine), pbx)
