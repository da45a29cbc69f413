from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from dialer.accounts import (
    LOGIN_FAILED_FR,
    LoginOutcome,
    authenticate,
    create_user,
    hash_password,
    throttle,
)
from dialer.accounts.models import LoginThrottle

NOW = datetime(2026, 3, 2, 9, 0)
PASSWORD = "mot de passe correct"
REFUSED = LoginOutcome.REFUSED


def _user(session: Session) -> None:
    create_user(session, "gestion", "Gestion Naire", "manager", PASSWORD)
    session.commit()


def _failures(session: Session, key: str) -> int:
    row = session.exec(select(LoginThrottle).where(LoginThrottle.key == key)).first()
    return row.failures if row is not None else 0


def test_right_password_signs_in_and_resets_failures(session: Session) -> None:
    _user(session)
    assert not authenticate(session, "gestion", "mauvais mot de passe", NOW).ok
    assert _failures(session, "gestion") == 1
    result = authenticate(session, "Gestion", PASSWORD, NOW)
    assert result.ok and result.user is not None
    assert _failures(session, "gestion") == 0
    # The address keeps its failure: a success there does not wipe a guesser's count.
    assert _failures(session, "inconnue") == 1


def test_failures_make_the_next_attempt_wait_a_doubling_delay(session: Session) -> None:
    _user(session)
    for attempt in range(3):
        assert authenticate(session, "gestion", f"faux {attempt}", NOW).outcome is REFUSED
    waiting = authenticate(session, "gestion", PASSWORD, NOW + timedelta(seconds=1))
    assert waiting.outcome is LoginOutcome.WAIT and waiting.user is None
    assert waiting.message_fr == "Trop de tentatives : réessayez dans 1 seconde."
    assert authenticate(session, "gestion", PASSWORD, NOW + timedelta(seconds=2)).ok


def test_attempts_during_the_wait_neither_count_nor_extend_it(session: Session) -> None:
    _user(session)
    for attempt in range(4):
        authenticate(session, "gestion", f"faux {attempt}", NOW)  # the 4th waits: not counted
    authenticate(session, "gestion", "encore faux", NOW + timedelta(seconds=1))
    assert _failures(session, "gestion") == 3
    assert authenticate(session, "gestion", PASSWORD, NOW + timedelta(seconds=2)).ok


def test_the_delay_doubles_and_is_capped_at_fifteen_minutes() -> None:
    delays = [throttle.account_delay_s(n) for n in range(1, 14)]
    assert delays == [0, 0, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]


def test_unknown_user_and_wrong_password_say_the_same(session: Session) -> None:
    _user(session)
    unknown = authenticate(session, "personne", PASSWORD, NOW)
    wrong = authenticate(session, "gestion", "pas le bon", NOW)
    assert unknown.message_fr == wrong.message_fr == LOGIN_FAILED_FR
    # An unknown name waits exactly like a real one: the wait reveals no account.
    for name in ("personne", "gestion"):
        for _ in range(2):
            authenticate(session, name, "pas le bon", NOW)
    later = NOW + timedelta(seconds=1)
    waits = [authenticate(session, name, PASSWORD, later) for name in ("personne", "gestion")]
    assert waits[0].message_fr == waits[1].message_fr
    assert {w.outcome for w in waits} == {LoginOutcome.WAIT}


def test_inactive_account_cannot_sign_in(session: Session) -> None:
    _user(session)
    from dialer.accounts import find_user

    user = find_user(session, "gestion")
    assert user is not None
    user.active = False
    session.commit()
    assert authenticate(session, "gestion", PASSWORD, NOW).outcome is LoginOutcome.REFUSED


def test_weak_hash_upgraded_on_success(session: Session) -> None:
    from argon2 import PasswordHasher

    from dialer.accounts import find_user

    _user(session)
    user = find_user(session, "gestion")
    assert user is not None
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    session.commit()
    assert authenticate(session, "gestion", PASSWORD, NOW).ok
    assert user.password_hash != hash_password(PASSWORD)
    assert "m=65536" in user.password_hash


def test_oversized_inputs_refused_without_error(session: Session) -> None:
    _user(session)
    assert not authenticate(session, "g" * 10_000, PASSWORD, NOW).ok
    assert not authenticate(session, "gestion", "p" * 100_000, NOW).ok
