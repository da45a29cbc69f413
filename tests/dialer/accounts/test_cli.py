"""``dialer user disable``: the account can no longer sign in, its open sessions end."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from dialer.accounts.models import User
from dialer.accounts.sessions import open_session, session_is_open
from dialer.cli.main import app
from dialer.core.columns import utcnow

runner = CliRunner()


def test_disabling_an_account_ends_its_open_sessions(cli: Engine) -> None:
    with Session(cli) as db:
        db.add(User(username="agent1", full_name="Agent", role="agent", password_hash="-"))
        db.commit()
        user_id = db.exec(select(User.id)).one() or 0
        open_session(db, "ouverte", user_id, utcnow(), 3600)
        db.commit()
    result = runner.invoke(app, ["user", "disable", "agent1"])
    assert result.exit_code == 0, result.output
    assert "désactivé" in result.output
    with Session(cli) as db:
        user = db.get(User, user_id)
        assert user is not None and not user.active
        assert not session_is_open(db, "ouverte", user_id, utcnow())
    unknown = runner.invoke(app, ["user", "disable", "personne"])
    assert unknown.exit_code != 0 and "inconnu" in unknown.output
