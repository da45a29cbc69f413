"""A live server with agents on calls, a supervisor and transfer destinations, over HTTP.

Shared by the call-control tests (HTTP and browser): the real app, dialer and PBX
simulator on loopback, as tests/web/desk/live_server.py runs them.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from dialer.accounts.models import User
from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.supervision import DestinationKind
from dialer.engine.callcontrol.journal import add_destination, enable_supervisor
from tests.web.conftest import PASSWORD

CSRF = re.compile(r'(?:name="csrf_token" value|data-csrf)="([^"]+)"')
FUND_NUMBER = "+33198765432"


@dataclass
class Destinations:
    supervisor: int
    fund: int


def add_people(engine: Engine, password_hash: str, names: list[tuple[str, str, str]]) -> list[int]:
    """Accounts (username, role, phone endpoint); their ids."""
    with Session(engine, expire_on_commit=False) as db:
        users = [
            User(username=u, full_name=f"{u.title()} Test", role=role, phone_endpoint=phone,
                 password_hash=password_hash)
            for u, role, phone in names
        ]  # fmt: skip
        db.add_all(users)
        db.commit()
        return [u.id or 0 for u in users]


def set_up_supervision(engine: Engine, campaign_id: int, supervisor_id: int) -> Destinations:
    with Session(engine) as db:
        enable_supervisor(db, campaign_id, supervisor_id, "test")
        sup = add_destination(db, campaign_id, "Superviseur", "905", DestinationKind.SUPERVISOR)
        fund = add_destination(
            db, campaign_id, "CPAM : second niveau", FUND_NUMBER, DestinationKind.FUND
        )
        db.commit()
        return Destinations(sup.id or 0, fund.id or 0)


@contextmanager
def signed_in(url: str, username: str, landing: str) -> Iterator[tuple[httpx.Client, str]]:
    """An HTTP session of ``username`` and its CSRF token (read on ``landing``)."""
    with httpx.Client(base_url=url, follow_redirects=False, timeout=30) as http:
        token = CSRF.search(http.get("/connexion").text)
        assert token is not None
        answer = http.post(
            "/connexion",
            data={"identifiant": username, "mot_de_passe": PASSWORD, "csrf_token": token.group(1)},
        )
        assert answer.status_code == 303, answer.text
        page = CSRF.search(http.get(landing).text)
        assert page is not None, f"no CSRF token on {landing}"
        yield http, page.group(1)


def go_available(http: httpx.Client, csrf: str, campaign_id: int) -> None:
    joined = http.post("/poste/campagne", data={"campagne": str(campaign_id), "csrf_token": csrf})
    assert joined.status_code == 303, joined.text
    ready = http.post("/poste/disponible", data={"csrf_token": csrf})
    assert ready.status_code == 303, ready.text


def wait_bridged(engine: Engine, agent_id: int, timeout_s: float = 30.0) -> int:
    """The agent's call once the PBX bridged it (its channel known); its attempt id."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with Session(engine) as db:
            attempt = db.exec(
                select(CallAttempt).where(
                    CallAttempt.agent_user_id == agent_id, CallAttempt.state == "connected"
                )
            ).first()
            if attempt is not None and attempt.channel_id and attempt.ended_at is None:
                return attempt.id or 0
        time.sleep(0.1)
    raise AssertionError(f"agent {agent_id} never got a bridged call")
