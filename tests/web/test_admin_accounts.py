"""Administrators deactivate, reactivate, reset and re-role accounts, through the real pages.

Two ``create_app`` on one database stand for two web processes: what the administrator
does on one is refused at once by the other (sessions live in the database).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from dialer.accounts.models import AgentPresence, User
from dialer.accounts.roles import ROLE_LABELS_FR, Role
from dialer.campaigns.setup import create_campaign, create_fund
from dialer.compliance.privacy.models import AccessEntry
from dialer.contacts.territories import Territory
from dialer.core.settings import Settings
from dialer.demo.seed import DEMO_LOGINS
from dialer.operations.prestart import prestart
from tests.web.conftest import PASSWORD, csrf_of, sign_in
from web.main import create_app

TEMPORARY = re.compile(r'<code class="secret">([^<]+)</code>')


@pytest.fixture()
def two_apps(
    database_url: str, tmp_path: Path, password_hash: str
) -> Iterator[tuple[FastAPI, FastAPI]]:
    settings = Settings(
        database_url=database_url, data_key_file=tmp_path / "keys.json",
        embedded_pbx=False, demo_data=False,
    )  # fmt: skip
    prestart(settings)
    apps = (create_app(settings), create_app(settings))
    with Session(apps[0].state.runtime.engine) as db:
        for name, role in (("agent1", "agent"), ("gestion", "manager"), ("admin", "admin")):
            db.add(User(username=name, full_name=name, role=role, password_hash=password_hash))
        db.commit()
    yield apps
    for app in apps:
        app.state.web.imports.shutdown()
        app.state.runtime.engine.dispose()


def _client(app: FastAPI) -> TestClient:
    return TestClient(app, base_url="http://testserver", follow_redirects=False)


def _user(app: FastAPI, name: str) -> User:
    with Session(app.state.runtime.engine) as db:
        user = db.exec(select(User).where(User.username == name)).one()
        db.expunge(user)
        return user


def _trail(app: FastAPI) -> list[str]:
    with Session(app.state.runtime.engine) as db:
        query = select(AccessEntry.detail).where(AccessEntry.action == "account_change")
        return [detail or "" for detail in db.exec(query.order_by(col(AccessEntry.id)))]


def _login(client: TestClient, name: str, password: str = PASSWORD) -> int:
    form = {"identifiant": name, "mot_de_passe": password, "csrf_token": csrf_of(client)}
    return client.post("/connexion", data=form).status_code


def test_deactivation_ends_the_sessions_on_every_process_and_reactivation_lets_back_in(
    two_apps: tuple[FastAPI, FastAPI],
) -> None:
    first, second = two_apps
    agent_id = _user(first, "agent1").id
    with _client(first) as agent, _client(second) as admin:
        sign_in(agent, "agent1")
        assert agent.get("/poste").status_code == 200
        token = sign_in(admin, "admin")
        done = admin.post(f"/admin/utilisateurs/{agent_id}/desactiver", data={"csrf_token": token})
        assert done.status_code == 303
        assert "désactivé" in html.unescape(admin.get(done.headers["location"]).text)
        # The other process refuses the agent's cookie at its very next request.
        assert agent.get("/poste").headers["location"].startswith("/connexion")
        assert _login(agent, "agent1") == 401
        again = admin.post(f"/admin/utilisateurs/{agent_id}/desactiver", data={"csrf_token": token})
        assert "déjà désactivé" in html.unescape(admin.get(again.headers["location"]).text)
        admin.post(f"/admin/utilisateurs/{agent_id}/reactiver", data={"csrf_token": token})
        assert _login(agent, "agent1") == 303
    assert _trail(first) == ["compte agent1 : désactivé", "compte agent1 : réactivé"]


def test_a_reset_password_must_be_changed_at_next_sign_in(
    two_apps: tuple[FastAPI, FastAPI],
) -> None:
    first, second = two_apps
    manager_id = _user(first, "gestion").id
    with _client(first) as manager, _client(second) as admin:
        sign_in(manager, "gestion")
        token = sign_in(admin, "admin")
        page = admin.post(
            f"/admin/utilisateurs/{manager_id}/mot-de-passe", data={"csrf_token": token}
        )
        assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
        match = TEMPORARY.search(page.text)
        assert match, page.text
        temporary = match.group(1)
        # Shown once: the list page does not show it again.
        assert temporary not in admin.get("/admin/utilisateurs").text
        assert manager.get("/campagnes").headers["location"].startswith("/connexion")
        assert _login(manager, "gestion") == 401  # the old password is gone
        assert _login(manager, "gestion", temporary) == 303
        for path in ("/", "/campagnes", "/campagnes/nouvelle"):
            assert manager.get(path).headers["location"] == "/mot-de-passe", path
        form_token = csrf_of(manager, "/mot-de-passe")
        same = {"nouveau": temporary, "confirmation": temporary, "csrf_token": form_token}
        refused = manager.post("/mot-de-passe", data=same)
        assert refused.status_code == 400 and "différent" in html.unescape(refused.text)
        mismatch = {
            "nouveau": "un mot de passe neuf",
            "confirmation": "autre",
            "csrf_token": form_token,
        }
        assert manager.post("/mot-de-passe", data=mismatch).status_code == 400
        new = {"nouveau": "un mot de passe neuf", "confirmation": "un mot de passe neuf",
               "csrf_token": form_token}  # fmt: skip
        assert manager.post("/mot-de-passe", data=new).status_code == 303
        assert manager.get("/campagnes").status_code == 200  # carries on, new session
    assert not _user(first, "gestion").must_change_password
    assert _trail(first) == [
        "compte gestion : mot de passe réinitialisé (changement imposé)",
        "compte gestion : mot de passe changé par la personne (mot de passe provisoire remplacé)",
    ]


@pytest.mark.parametrize("role", list(Role))
def test_any_role_can_be_given_and_the_old_rights_end_at_once(
    two_apps: tuple[FastAPI, FastAPI], role: Role
) -> None:
    first, second = two_apps
    target = _user(first, "gestion")
    with _client(first) as manager, _client(second) as admin:
        sign_in(manager, "gestion")
        token = sign_in(admin, "admin")
        page = admin.get("/admin/utilisateurs").text
        assert f'<option value="{role.value}"' in page and ROLE_LABELS_FR[role] in page
        changed = admin.post(
            f"/admin/utilisateurs/{target.id}/role", data={"role": role.value, "csrf_token": token}
        )
        assert changed.status_code == 303
        assert _user(first, "gestion").role == role.value
        if role is not Role.MANAGER:
            assert manager.get("/campagnes").headers["location"].startswith("/connexion")
            assert _trail(first) == [
                f"compte gestion : rôle « {ROLE_LABELS_FR[Role.MANAGER]} » remplacé par "
                f"« {ROLE_LABELS_FR[role]} »"
            ]
        else:
            assert manager.get("/campagnes").status_code == 200 and _trail(first) == []


def test_an_administrator_cannot_lock_themselves_out_and_bad_roles_are_refused(
    two_apps: tuple[FastAPI, FastAPI],
) -> None:
    first, _ = two_apps
    admin_id, manager_id = _user(first, "admin").id, _user(first, "gestion").id
    with _client(first) as admin:
        token = sign_in(admin, "admin")
        for action, data in (("desactiver", {}), ("role", {"role": "agent"}), ("mot-de-passe", {})):
            answer = admin.post(
                f"/admin/utilisateurs/{admin_id}/{action}", data={**data, "csrf_token": token}
            )
            assert answer.status_code == 400, action
            assert "votre propre compte" in html.unescape(answer.text)
        bad = admin.post(
            f"/admin/utilisateurs/{manager_id}/role", data={"role": "chef", "csrf_token": token}
        )
        assert bad.status_code == 400
        assert all(label in html.unescape(bad.text) for label in ROLE_LABELS_FR.values())
        assert admin.post("/admin/utilisateurs/999999/desactiver",
                          data={"csrf_token": token}).status_code == 404  # fmt: skip
    assert _user(first, "admin").active and _user(first, "gestion").role == "manager"
    assert _trail(first) == []


def test_the_start_up_banner_names_roles_as_the_pages_do() -> None:
    assert {login.label for login in DEMO_LOGINS} == {
        ROLE_LABELS_FR[Role(login.role)] for login in DEMO_LOGINS
    }
    assert "Gestionnaire de campagnes" in {login.label for login in DEMO_LOGINS}


def _put_agent(app: FastAPI, state: str) -> int:
    """agent1 in a campaign, in ``state``, as the desk would leave it; its user id."""
    with Session(app.state.runtime.engine) as db:
        fund = create_fund(db, "CPAM75", "CPAM de Paris", Territory.METRO)
        campaign = create_campaign(db, "G-1", "Grippe", "flu_vaccination", fund, "0140000000")
        agent = db.exec(select(User).where(User.username == "agent1")).one()
        db.add(AgentPresence(user_id=agent.id, campaign_id=campaign.id, state=state))
        db.commit()
        return agent.id or 0


def _presence(app: FastAPI, user_id: int) -> str:
    with Session(app.state.runtime.engine) as db:
        row = db.get(AgentPresence, user_id)
        return row.state if row else "none"


@pytest.mark.parametrize("state", ["available", "paused", "wrap_up"])
def test_an_idle_agent_leaves_its_campaign_when_deactivated(
    two_apps: tuple[FastAPI, FastAPI], state: str
) -> None:
    first, _ = two_apps
    agent_id = _put_agent(first, state)
    with _client(first) as admin:
        token = sign_in(admin, "admin")
        done = admin.post(f"/admin/utilisateurs/{agent_id}/desactiver", data={"csrf_token": token})
        assert done.status_code == 303
    # Neither reserved nor counted for pacing any more.
    assert _presence(first, agent_id) == "logged_out"
    assert _trail(first) == ["compte agent1 : désactivé ; retiré de sa campagne"]


@pytest.mark.parametrize("action", ["desactiver", "mot-de-passe", "role"])
def test_an_agent_on_a_call_is_not_cut_off(two_apps: tuple[FastAPI, FastAPI], action: str) -> None:
    first, _ = two_apps
    agent_id = _put_agent(first, "on_call")
    with _client(first) as admin:
        token = sign_in(admin, "admin")
        answer = admin.post(
            f"/admin/utilisateurs/{agent_id}/{action}", data={"role": "dpo", "csrf_token": token}
        )
        assert answer.status_code == 409 and "fin de son appel" in html.unescape(answer.text)
    agent = _user(first, "agent1")
    assert (agent.active, agent.role, agent.must_change_password) == (True, "agent", False)
    assert _presence(first, agent_id) == "on_call" and _trail(first) == []
