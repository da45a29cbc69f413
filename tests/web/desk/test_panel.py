"""The call panel shows what the theme declares, nothing more, and every read is traced."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session, col, select
from starlette.requests import Request

from dialer.accounts.models import AgentPresence, User, UserSession
from dialer.accounts.sessions import close_session, open_session
from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.models import CampaignAgent
from dialer.compliance.privacy.models import AccessEntry
from dialer.core.columns import utcnow
from dialer.engine.calling.events import DIALLING, SCREEN_POP, call_payload
from scripts.catalog import MASKED_CODE
from scripts.models import ScriptVersion
from scripts.versions import current_version
from tests.web.conftest import sign_in
from tests.web.desk.conftest import CHILD, CODE, NIR, OTHER_CAMPAIGN_CATEGORY, PRO_NUMBER, Desk
from web.desk.pop import SignedOut
from web.desk.router import StreamFrames


def trail(app: FastAPI, action: str) -> list[AccessEntry]:
    with Session(app.state.runtime.engine) as db:
        query = select(AccessEntry).where(AccessEntry.action == action)
        return list(db.exec(query.order_by(col(AccessEntry.id))))


def test_panel_shows_only_declared_fields_and_masks_the_code(
    app: FastAPI, client: TestClient, desk: Desk
) -> None:
    sign_in(client, "agent1")
    page = client.get(f"/poste/appels/{desk.attempt_id}")
    assert page.status_code == 200
    html = page.text
    for declared in ("Josiane", "Quintal", "12/05/1969", "06 12 34 56 78", "75011"):
        assert declared in html
    assert "31/01/2027" in html  # the code's expiry, a declared theme field
    for undeclared in (NIR, NIR[:13], PRO_NUMBER, CHILD, "nir_cipher", "v1:k1:"):
        assert undeclared not in html
    assert CODE not in html
    assert MASKED_CODE in html
    assert "Révéler le code" in html
    # The script is rendered for this person, with the agent's and the fund's names.
    assert "Agent1 Test" in html and "CPAM de Paris" in html


def test_screen_pop_is_traced_with_field_names_only(
    app: FastAPI, client: TestClient, desk: Desk
) -> None:
    sign_in(client, "agent1")
    assert client.get(f"/poste/appels/{desk.attempt_id}").status_code == 200
    [entry] = trail(app, "screen_pop")
    assert (entry.actor, entry.actor_role, entry.person_id) == ("agent1", "agent", desk.person_id)
    assert (entry.campaign_id, entry.attempt_id) == (desk.ameli_id, desk.attempt_id)
    assert {"first_name", "last_name", "birth_date", "call_history"} <= set(entry.fields)
    assert "nir" not in entry.fields and "provisional_code" not in entry.fields
    assert trail(app, "reveal_secret") == []


def test_reveal_shows_the_code_and_traces_it(app: FastAPI, client: TestClient, desk: Desk) -> None:
    token = sign_in(client, "agent1")
    client.get(f"/poste/appels/{desk.attempt_id}")
    refused = client.post(f"/poste/appels/{desk.attempt_id}/code")
    assert refused.status_code == 403  # no CSRF token: nothing shown, nothing traced
    assert trail(app, "reveal_secret") == []
    shown = client.post(f"/poste/appels/{desk.attempt_id}/code", headers={"X-CSRF-Token": token})
    assert shown.status_code == 200
    assert CODE in shown.text and "Révéler le code" not in shown.text
    assert NIR not in shown.text
    [entry] = trail(app, "reveal_secret")
    assert entry.fields == ["provisional_code"] and entry.attempt_id == desk.attempt_id


def test_history_lists_this_campaign_only(client: TestClient, desk: Desk) -> None:
    sign_in(client, "agent1")
    html = client.get(f"/poste/appels/{desk.attempt_id}").text
    history = html.split("Échanges précédents", 1)[1].split("</section>", 1)[0]
    assert history.count("<tr>") == 2  # the header and the one earlier ameli call
    assert "Entretien accepté, rappel demandé" in history
    assert OTHER_CAMPAIGN_CATEGORY not in history and "offre refusée" not in history.lower()


def test_another_agents_call_is_refused(app: FastAPI, client: TestClient, desk: Desk) -> None:
    token = sign_in(client, "agent1")
    for path in ("", "/code", "/resultat", "/raccrocher"):
        url = f"/poste/appels/{desk.agent2_attempt_id}{path}"
        response = client.post(url, headers={"X-CSRF-Token": token}) if path else client.get(url)
        assert response.status_code == 403, path
        assert "ne vous est pas confié" in response.text
    assert client.get("/poste/appels/999999").status_code == 403
    assert trail(app, "screen_pop") == [] and trail(app, "reveal_secret") == []


def test_a_call_outside_the_current_campaign_is_refused(
    app: FastAPI, client: TestClient, desk: Desk
) -> None:
    sign_in(client, "agent1")
    assert client.get(f"/poste/appels/{desk.attempt_id}").status_code == 200
    with Session(app.state.runtime.engine) as db:
        row = db.get(AgentPresence, desk.agent_id)
        assert row is not None
        row.campaign_id = desk.flu_id  # now working on another campaign
        db.add(row)
        db.commit()
    assert client.get(f"/poste/appels/{desk.attempt_id}").status_code == 403


def test_managers_cannot_open_the_desk(client: TestClient, desk: Desk) -> None:
    sign_in(client, "gestion")
    assert client.get("/poste").status_code == 403
    assert client.get(f"/poste/appels/{desk.attempt_id}").status_code == 403


def _stored_as_is(db: Session, campaign_id: int | None, body: str) -> ScriptVersion:
    """A version written before the save-time checks existed (they would refuse it now)."""
    version = ScriptVersion(
        theme="ameli_account", campaign_id=campaign_id, version=99, body=body, author="gestion"
    )
    db.add(version)
    db.commit()
    return version


def test_a_broken_script_falls_back_to_the_last_good_version(
    app: FastAPI, client: TestClient, desk: Desk
) -> None:
    with Session(app.state.runtime.engine) as db:
        good = current_version(db, "ameli_account", desk.ameli_id)
        db.commit()
        _stored_as_is(db, desk.ameli_id, "Bonjour {{ nir }}")
        good_id = good.id
    sign_in(client, "agent1")
    html = client.get(f"/poste/appels/{desk.attempt_id}").text
    assert "Le script n&#39;a pas pu être affiché" not in html
    script = html.split('id="script-appel"', 1)[1].split("</section>", 1)[0]
    assert "Ouverture du compte ameli" in script
    assert f'name="version_script" value="{good_id}"' in html
    assert NIR not in html


def test_with_no_good_version_the_notice_and_the_raw_fields_are_shown(
    app: FastAPI, client: TestClient, desk: Desk
) -> None:
    with Session(app.state.runtime.engine) as db:
        shipped = current_version(db, "ameli_account", None)
        shipped.body = "Bonjour {{ nir }}"  # as an old database may hold it
        db.add(shipped)
        db.commit()
        _stored_as_is(db, desk.ameli_id, "Bonjour {{ nir }} !")
    sign_in(client, "agent1")
    html = client.get(f"/poste/appels/{desk.attempt_id}").text
    assert "Le script n&#39;a pas pu être affiché" in html or "Le script n'a pas pu" in html
    assert "« nir »" in html
    script = html.split('id="script-appel"', 1)[1].split("</section>", 1)[0]
    assert "Josiane" in script and "Quintal" in script
    assert NIR not in html


def test_local_time_of_the_number_called_is_shown_when_it_differs(
    app: FastAPI, client: TestClient, desk: Desk
) -> None:
    sign_in(client, "agent1")
    html = client.get(f"/poste/appels/{desk.attempt_id}").text
    assert "(Europe/Paris)" in html and "America/Martinique" not in html
    with Session(app.state.runtime.engine) as db:
        attempt = db.get(CallAttempt, desk.attempt_id)
        assert attempt is not None
        attempt.number_e164 = "+596696123456"  # a Paris address, a Martinique mobile
        db.add(attempt)
        db.commit()
    html = client.get(f"/poste/appels/{desk.attempt_id}").text
    assert "(Europe/Paris)" in html
    assert "Heure locale du numéro appelé (Martinique)" in html
    assert "(America/Martinique)" in html


def stream_frames(app: FastAPI, username: str) -> StreamFrames:
    """One desk stream's frame maker, as ``/poste/evenements`` builds it for a signed-in agent."""
    runtime = app.state.runtime
    with Session(runtime.engine, expire_on_commit=False) as db:
        user = db.exec(select(User).where(User.username == username)).one()
        open_session(db, f"sid-{username}", user.id or 0, utcnow(), 3600)
        db.commit()
    cookie = {"uid": user.id, "sid": f"sid-{username}"}
    scope = {"type": "http", "method": "GET", "path": "/poste/evenements", "headers": [],
             "app": app, "session": dict(cookie), "client": ("192.0.2.7", 50000)}  # fmt: skip
    request = Request(scope)
    request.state.user = user
    kept = app.state.web.pop_connections  # PostgreSQL: the pop's two round trips
    return StreamFrames(request, runtime.engine, runtime.cipher, cookie, kept)


def pushed(frame: str) -> dict[str, object]:
    assert frame.startswith("event: screen_pop\ndata: ")
    return dict(json.loads(frame.split("data: ", 1)[1]))


def test_the_pop_carries_its_panel_rendered_and_traced_as_the_get_would(
    app: FastAPI, desk: Desk
) -> None:
    frames = stream_frames(app, "agent1")
    data = pushed(frames.frame(call_payload(SCREEN_POP, desk.attempt_id, 0, desk.ameli_id)))
    html = str(data["html"])
    assert data["attempt_id"] == desk.attempt_id
    assert "Josiane" in html and "Quintal" in html and MASKED_CODE in html
    for undeclared in (NIR, PRO_NUMBER, CHILD, CODE):
        assert undeclared not in html
    [entry] = trail(app, "screen_pop")
    assert (entry.actor, entry.person_id, entry.attempt_id) == (
        "agent1",
        desk.person_id,
        desk.attempt_id,
    )
    assert entry.address == "192.0.2.7"


def test_a_pop_that_is_not_the_agents_carries_no_panel_and_reads_nothing(
    app: FastAPI, desk: Desk
) -> None:
    frames = stream_frames(app, "agent2")  # enabled on the campaign, but not this call's agent
    data = pushed(frames.frame(call_payload(SCREEN_POP, desk.attempt_id, 0, desk.ameli_id)))
    assert "html" not in data  # the desk asks, and is told why not (403)
    assert trail(app, "screen_pop") == []


def disable_on_campaign(app: FastAPI, desk: Desk) -> None:
    """A supervisor takes agent1 off the ameli campaign."""
    with Session(app.state.runtime.engine) as db:
        link = db.exec(
            select(CampaignAgent).where(
                CampaignAgent.user_id == desk.agent_id, CampaignAgent.campaign_id == desk.ameli_id
            )
        ).one()
        db.delete(link)
        db.commit()


def test_an_agent_no_longer_enabled_on_the_campaign_is_refused_the_call(
    app: FastAPI, client: TestClient, desk: Desk
) -> None:
    sign_in(client, "agent1")
    assert client.get(f"/poste/appels/{desk.attempt_id}").status_code == 200
    disable_on_campaign(app, desk)
    assert client.get(f"/poste/appels/{desk.attempt_id}").status_code == 403


def statements_during(app: FastAPI, action: Callable[[], str]) -> tuple[str, list[str]]:
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(" ".join(statement.split())[:60])

    engine = app.state.runtime.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        return action(), statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_a_pushed_pop_reads_its_call_in_few_statements(app: FastAPI, desk: Desk) -> None:
    """On a busy floor every statement of the pop is one more wait for the interpreter's
    lock or the database's writer: the pop stays at the session check, one read of the
    call, the history, the script and the trail's entry."""
    frames = stream_frames(app, "agent1")
    pop = call_payload(SCREEN_POP, desk.attempt_id, 0, desk.ameli_id)
    frame, statements = statements_during(app, lambda: frames.frame(pop))
    assert "Josiane" in str(pushed(frame)["html"])
    reads = [s for s in statements if s.startswith("SELECT")]
    # the session, the call, its history, the script, the trail's previous entry
    assert len(reads) <= 5, statements
    assert [s.split()[0] for s in statements if not s.startswith("SELECT")] == ["INSERT", "UPDATE"]


def test_a_pop_prepared_while_dialling_only_checks_and_traces(app: FastAPI, desk: Desk) -> None:
    """While the person's phone rings, the desk's stream reads the call's file (nothing
    shown, so nothing traced); at the pop it checks the session and the call again,
    traces the read and sends the panel."""
    frames = stream_frames(app, "agent1")
    ringing = frames.frame(call_payload(DIALLING, desk.attempt_id, 0, desk.ameli_id))
    assert ringing.startswith("event: dialling\n")
    assert "Josiane" not in ringing
    assert trail(app, "screen_pop") == []
    pop = call_payload(SCREEN_POP, desk.attempt_id, 0, desk.ameli_id)
    frame, statements = statements_during(app, lambda: frames.frame(pop))
    html = str(pushed(frame)["html"])
    assert "Josiane" in html and "Agent1 Test" in html and MASKED_CODE in html
    assert "Entretien accepté, rappel demandé" in html  # the history read while ringing
    reads = [s for s in statements if s.startswith("SELECT")]
    # the session and the call's checks in one statement, the trail's previous entry:
    # no history, no script
    assert len(reads) <= 2, statements
    [entry] = trail(app, "screen_pop")
    assert (entry.person_id, entry.attempt_id) == (desk.person_id, desk.attempt_id)
    assert "call_history" in entry.fields


def test_a_pop_prepared_while_dialling_is_refused_once_the_agent_is_disabled(
    app: FastAPI, desk: Desk
) -> None:
    frames = stream_frames(app, "agent1")
    frames.frame(call_payload(DIALLING, desk.attempt_id, 0, desk.ameli_id))
    disable_on_campaign(app, desk)
    data = pushed(frames.frame(call_payload(SCREEN_POP, desk.attempt_id, 0, desk.ameli_id)))
    assert "html" not in data
    assert trail(app, "screen_pop") == []


def sign_out(app: FastAPI) -> None:
    with Session(app.state.runtime.engine) as db:
        close_session(db, "sid-agent1", utcnow())
        db.commit()


def let_expire(app: FastAPI) -> None:
    with Session(app.state.runtime.engine) as db:
        row = db.get(UserSession, "sid-agent1")
        assert row is not None
        row.expires_at = utcnow() - timedelta(seconds=1)
        db.add(row)
        db.commit()


@pytest.mark.parametrize("end_session", [sign_out, let_expire])
def test_a_pop_prepared_while_dialling_ends_the_stream_once_the_session_is_over(
    app: FastAPI, desk: Desk, end_session: Callable[[FastAPI], None]
) -> None:
    """Signed out (maybe on another web process) or expired while the phone rang: the
    stream ends and nothing is sent or traced."""
    frames = stream_frames(app, "agent1")
    frames.frame(call_payload(DIALLING, desk.attempt_id, 0, desk.ameli_id))
    end_session(app)
    with pytest.raises(SignedOut):
        frames.frame(call_payload(SCREEN_POP, desk.attempt_id, 0, desk.ameli_id))
    assert trail(app, "screen_pop") == []


def test_dialling_for_another_agent_prepares_nothing(app: FastAPI, desk: Desk) -> None:
    frames = stream_frames(app, "agent2")  # enabled on the campaign, not this call's agent
    assert frames.frame(call_payload(DIALLING, desk.attempt_id, 0, desk.ameli_id)).startswith(
        "event: dialling\n"
    )
    data = pushed(frames.frame(call_payload(SCREEN_POP, desk.attempt_id, 0, desk.ameli_id)))
    assert "html" not in data
    assert trail(app, "screen_pop") == []
