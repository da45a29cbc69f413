"""Who may read a feed: only the token's own fund, only with a live token."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from dialer.compliance.feed.tokens import authenticate, create_token, revoke_token
from dialer.contacts.funds import FundToken
from dialer.core.crypto import DataCipher
from tests.dialer.compliance.feed.factory import bulk_events
from tests.web.fund_api.conftest import Api

A = "/api/funds/CPAM75/results"
B = "/api/funds/CGSS971/results"


def _seed(engine: Engine, cipher: DataCipher, api: Api) -> None:
    bulk_events(engine, cipher, api.world.fund_a, 5)
    bulk_events(engine, cipher, api.world.fund_b, 5)


def test_a_token_reads_its_own_fund(engine: Engine, cipher: DataCipher, api: Api) -> None:
    _seed(engine, cipher, api)
    response = api.get(A, api.token_a)
    assert response.status_code == 200
    assert [event["seq"] for event in response.json()["events"]] == [1, 2, 3, 4, 5]


def test_a_token_never_reads_another_fund(engine: Engine, cipher: DataCipher, api: Api) -> None:
    _seed(engine, cipher, api)
    for fmt in ("json", "ndjson", "csv"):
        response = api.get(B, api.token_a, params={"format": fmt})
        assert response.status_code == 403
        assert "seq" not in response.text
        assert "event_id" not in response.text
    event_b = api.get(B, api.token_b).json()["events"][0]["event_id"]
    response = api.get(f"{B}/{event_b}", api.token_a)
    assert response.status_code == 403
    # Even through its own fund's address, a token cannot reach another fund's event.
    response = api.get(f"{A}/{event_b}", api.token_a)
    assert response.status_code == 404
    assert api.reads == [(api.world.fund_b, 1, 5, "testclient")]


def test_an_unknown_fund_code_is_refused_like_another_fund(api: Api) -> None:
    response = api.get("/api/funds/NOPE/results", api.token_a)
    assert response.status_code == 403


def test_missing_or_wrong_tokens_get_401(api: Api) -> None:
    for token in (None, "dlrf_not-a-token", "Basic abc", ""):
        response = api.get(A, token)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert "events" not in response.text


def test_a_revoked_token_gets_401(engine: Engine, api: Api) -> None:
    assert api.get(A, api.token_a).status_code == 200
    with Session(engine) as session:
        row = session.exec(select(FundToken).where(FundToken.fund_id == api.world.fund_a)).one()
        assert revoke_token(session, row.id or 0, fund_id=api.world.fund_a)
        session.commit()
    response = api.get(A, api.token_a)
    assert response.status_code == 401


def test_tokens_are_stored_hashed_and_record_their_use(engine: Engine, api: Api) -> None:
    with Session(engine) as session:
        token = create_token(session, api.world.fund_a, "second")
        session.commit()
        stored = session.exec(select(FundToken).where(FundToken.label == "second")).one()
        assert token not in stored.token_hash
        assert stored.last_used_at is None
    api.get(A, token)
    with Session(engine) as session:
        stored = session.exec(select(FundToken).where(FundToken.label == "second")).one()
        assert stored.last_used_at is not None
        fund = authenticate(session, token)
        assert fund is not None and fund.code == "CPAM75"
        assert authenticate(session, token + "x") is None


def test_revoking_another_funds_token_does_nothing(engine: Engine, api: Api) -> None:
    with Session(engine) as session:
        row = session.exec(select(FundToken).where(FundToken.fund_id == api.world.fund_b)).one()
        assert not revoke_token(session, row.id or 0, fund_id=api.world.fund_a)
        session.commit()
    assert api.get(B, api.token_b).status_code == 200
