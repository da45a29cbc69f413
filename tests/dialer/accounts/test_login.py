from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from dialer.accounts import (
    LOGIN_FAILED_FR,
    LoginOutcome,
    authenticate,
    create_user,
    hash_password,
    is_locked,
)

NOW = datetime(2026, 3, 2, 9, 0)
PASSWORD = "mot de passe correct"


def _user(session: Session) -> None:
    create_user(session, "gestion", "Gestion Naire", "manager", PASSWORD)
    session.commit()


def test_right_password_signs_in_and_resets_failures(session: Session) -> None:
    _user(session)
    assert not authenticate(session, "gestion", "mauvais mot de passe", NOW).ok
    result = authenticate(session, "Gestion", PASSWORD, NOW)
    assert result.ok and result.user is not None
    assert result.user.failed_logins == 0


def test_five_failures_lock_for_fifteen_minutes(session: Session) -> None:
    _user(session)
    for attempt in range(5):
        result = authenticate(session, "gestion", f"faux {attempt}", NOW)
        assert result.outcome is LoginOutcome.REFUSED
    locked = authenticate(session, "gestion", PASSWORD, NOW + timedelta(minutes=14))
    assert locked.outcome is LoginOutcome.LOCKED
    assert locked.user is None
    later = authenticate(session, "gestion", PASSWORD, NOW + timedelta(minutes=15, seconds=1))
    assert later.ok


def test_attempts_during_lock_do_not_extend_it(session: Session) -> None:
    _user(session)
    for attempt in range(5):
        authenticate(session, "gestion", f"faux {attempt}", NOW)
    for minute in range(1, 14):
        authenticate(session, "gestion", "encore faux", NOW + timedelta(minutes=minute))
    assert authenticate(session, "gestion", PASSWORD, NOW + timedelta(minutes=16)).ok


def test_expired_lock_starts_a_fresh_count(session: Session) -> None:
    _user(session)
    for attempt in range(5):
        authenticate(session, "gestion", f"faux {attempt}", NOW)
    after = NOW + timedelta(minutes=20)
    result = authenticate(session, "gestion", "faux encore", after)
    assert result.outcome is LoginOutcome.REFUSED
    from dialer.accounts import find_user

    user = find_user(session, "gestion")
    assert user is not None and user.failed_logins == 1 and not is_locked(user, after)


def test_unknown_user_and_wrong_password_say_the_same(session: Session) -> None:
    _user(session)
    unknown = authenticate(session, "personne", PASSWORD, NOW)
    wrong = authenticate(session, "gestion", "pas le bon", NOW)
    for _ in range(5):
        authenticate(session, "gestion", "pas le bon", NOW)
    locked = authenticate(session, "gestion", PASSWORD, NOW)
    assert unknown.message_fr == wrong.message_fr == locked.message_fr == LOGIN_FAILED_FR


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
