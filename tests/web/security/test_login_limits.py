"""Sign-in limits fit for a call centre behind a reverse proxy (issue 18, item 6).

The agents all reach the service through one proxy, often from behind one NAT: the
limits must slow a guesser down without turning one person's (or an attacker's)
mistakes into everyone's lockout.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from dialer.accounts import throttle
from dialer.accounts.models import LoginThrottle
from dialer.compliance.privacy.models import AccessEntry
from dialer.core.settings import Settings
from dialer.operations.prestart import prestart
from tests.web.conftest import PASSWORD, World, csrf_of, sign_in
from web.main import create_app

PROXY = "10.0.0.2"
OFFICE_NAT = "203.0.113.10"


@pytest.fixture()
def settings(database_url: str, tmp_path: Path) -> Settings:
    """On both backends: the counts are shared through the database."""
    chosen = Settings(
        database_url=database_url,
        data_key_file=tmp_path / "keys.json",
        embedded_pbx=False,
        demo_data=False,
        trusted_proxies=(PROXY,),
        login_address_failures=12,
    )
    prestart(chosen)
    return chosen


@pytest.fixture()
def via_proxy(app: FastAPI) -> Iterator[TestClient]:
    """A browser whose requests arrive from the trusted reverse proxy."""
    with TestClient(app, follow_redirects=False, client=(PROXY, 40000)) as client:
        yield client


def _login(client: TestClient, username: str, password: str, forwarded: str = "") -> int:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    data = {"identifiant": username, "mot_de_passe": password, "csrf_token": csrf_of(client)}
    status: int = client.post("/connexion", data=data, headers=headers).status_code
    return status


def _rewind(app: FastAPI, seconds: float) -> None:
    """Time passes: every recorded failure and wait moves into the past."""
    with Session(app.state.runtime.engine) as db:
        for row in db.exec(select(LoginThrottle)).all():
            row.last_failure_at -= timedelta(seconds=seconds)
            row.window_start -= timedelta(seconds=seconds)
            if row.blocked_until is not None:
                row.blocked_until -= timedelta(seconds=seconds)
            db.add(row)
        db.commit()


def test_an_attackers_five_wrong_passwords_cost_the_user_seconds(
    app: FastAPI, world: World, via_proxy: TestClient
) -> None:
    """Issue 18: five guesses locked the real user out for 15 minutes."""
    attacker = [_login(via_proxy, "gestion", f"devine {n}", "198.51.100.7") for n in range(5)]
    assert attacker[:3] == [401, 401, 401] and 429 in attacker
    refused = via_proxy.post(
        "/connexion",
        data={"identifiant": "gestion", "mot_de_passe": PASSWORD, "csrf_token": csrf_of(via_proxy)},
        headers={"X-Forwarded-For": OFFICE_NAT},
    )
    # The real user waits seconds, told how long, in French.
    assert refused.status_code == 429
    wait = int(refused.headers["retry-after"])
    assert 1 <= wait <= 8
    assert f"Trop de tentatives : réessayez dans {wait} secondes" in html.unescape(refused.text)
    _rewind(app, wait)
    assert _login(via_proxy, "gestion", PASSWORD, OFFICE_NAT) == 303


def test_the_delay_grows_only_with_repeated_failures(
    app: FastAPI, world: World, via_proxy: TestClient
) -> None:
    waits = []
    for attempt in range(10):
        assert _login(via_proxy, "gestion", f"faux {attempt}", OFFICE_NAT) == 401
        with Session(app.state.runtime.engine) as db:
            row = db.exec(select(LoginThrottle).where(LoginThrottle.key == "gestion")).one()
            waits.append(
                0
                if row.blocked_until is None
                else (row.blocked_until - row.last_failure_at).seconds
            )
        _rewind(app, waits[-1])  # the attacker waits out each delay, then guesses again
    assert waits == [0, 0, 2, 4, 8, 16, 32, 64, 128, 256]
    assert throttle.account_delay_s(100) == 15 * 60


def test_a_shared_proxy_address_does_not_lock_everyone(
    app: FastAPI, world: World, via_proxy: TestClient
) -> None:
    """Issue 18: behind the proxy every agent shared one budget of 20 attempts."""
    # A busy morning: agents sign in through the proxy, from one NAT (the old limit: 20
    # attempts of any kind per address).
    for _ in range(16):
        assert _login(via_proxy, "agent1", PASSWORD, OFFICE_NAT) == 303
    # One agent keeps mistyping: only that account waits.
    for attempt in range(4):
        _login(via_proxy, "agent1", f"faute {attempt}", OFFICE_NAT)
    assert _login(via_proxy, "agent1", PASSWORD, OFFICE_NAT) == 429
    assert _login(via_proxy, "gestion", PASSWORD, OFFICE_NAT) == 303


def test_an_address_guessing_many_names_is_stopped(
    app: FastAPI, world: World, via_proxy: TestClient
) -> None:
    # A guesser sprays names (each under its free failures): its address runs out (12 here).
    statuses = [_login(via_proxy, f"nom{n}", "faux", "198.51.100.7") for n in range(13)]
    assert statuses[:12] == [401] * 12 and statuses[12] == 429
    assert _login(via_proxy, "gestion", PASSWORD, "198.51.100.7") == 429
    # The office next to it is not concerned.
    assert _login(via_proxy, "gestion", PASSWORD, OFFICE_NAT) == 303


def test_a_forwarded_header_from_an_untrusted_peer_is_ignored(app: FastAPI, world: World) -> None:
    """A client cannot pick a fresh address per attempt by writing X-Forwarded-For itself."""
    with TestClient(app, follow_redirects=False, client=("192.0.2.50", 40000)) as direct:
        statuses = [
            _login(direct, f"nom{n}", "faux", f"198.51.100.{n}, {PROXY}") for n in range(13)
        ]
    assert statuses[12] == 429
    with Session(app.state.runtime.engine) as db:
        keys = set(db.exec(select(LoginThrottle.key).where(LoginThrottle.scope == "address")))
    assert keys == {"192.0.2.50"}


def test_spoofed_entries_left_of_the_proxys_are_not_believed(
    app: FastAPI, world: World, via_proxy: TestClient
) -> None:
    # The proxy appends the real peer: what the client wrote before it is never reached.
    _login(via_proxy, "gestion", "faux", f"1.2.3.4, {OFFICE_NAT}")
    with Session(app.state.runtime.engine) as db:
        keys = set(db.exec(select(LoginThrottle.key).where(LoginThrottle.scope == "address")))
    assert keys == {OFFICE_NAT}


def test_successful_logins_are_not_counted_and_reset_the_account(
    app: FastAPI, world: World, via_proxy: TestClient
) -> None:
    for _ in range(2):
        assert _login(via_proxy, "gestion", "faux", OFFICE_NAT) == 401
    assert _login(via_proxy, "gestion", PASSWORD, OFFICE_NAT) == 303
    with Session(app.state.runtime.engine) as db:
        rows = db.exec(select(LoginThrottle)).all()
    assert [(row.scope, row.failures) for row in rows] == [("address", 2)]
    # Two more failures are again free: the count started over.
    assert [_login(via_proxy, "gestion", "faux", OFFICE_NAT) for _ in range(2)] == [401, 401]


def test_the_admin_sees_and_clears_a_delay_and_the_trail_says_so(
    app: FastAPI, world: World, via_proxy: TestClient, client: TestClient
) -> None:
    for attempt in range(6):
        _login(via_proxy, "agent1", f"faux {attempt}", OFFICE_NAT)
    assert _login(via_proxy, "agent1", PASSWORD, OFFICE_NAT) == 429
    # The wait (16 s) must outlast the admin's own sign-in on a loaded machine.
    _rewind(app, -600)
    token = sign_in(client, "admin")
    page = client.get("/admin/utilisateurs")
    assert "Échecs de connexion" in page.text and "En attente" in page.text
    assert 'name="compte" value="agent1"' in page.text
    cleared = client.post(
        "/admin/utilisateurs/delais/lever", data={"compte": "agent1", "csrf_token": token}
    )
    assert cleared.status_code == 303
    assert "effacés" in client.get(cleared.headers["location"]).text
    assert _login(via_proxy, "agent1", PASSWORD, OFFICE_NAT) == 303
    with Session(app.state.runtime.engine) as db:
        entry = db.exec(
            select(AccessEntry).where(col(AccessEntry.action) == "login_delay_cleared")
        ).one()
    assert entry.actor == "admin" and entry.detail and "agent1" in entry.detail
    again = client.post(
        "/admin/utilisateurs/delais/lever", data={"compte": "agent1", "csrf_token": token}
    )
    assert again.status_code == 404 and "Aucun échec" in html.unescape(again.text)


def test_two_web_processes_share_the_counts(settings: Settings, world: World) -> None:
    # ``world`` filled the first app's database; a second process reads the same one.
    second_app, third_app = create_app(settings), create_app(settings)
    try:
        with TestClient(second_app, follow_redirects=False, client=(PROXY, 40001)) as second:
            for attempt in range(5):
                _login(second, "gestion", f"faux {attempt}", OFFICE_NAT)
        with TestClient(third_app, follow_redirects=False, client=(PROXY, 40002)) as third:
            assert _login(third, "gestion", PASSWORD, OFFICE_NAT) == 429
    finally:
        for other in (second_app, third_app):
            other.state.web.imports.shutdown()
            other.state.runtime.engine.dispose()
