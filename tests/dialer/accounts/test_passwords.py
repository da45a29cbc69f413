from __future__ import annotations

from dialer.accounts.passwords import hash_password, needs_rehash, verify_password


def test_hash_is_argon2id_and_verifies_only_the_right_password() -> None:
    hashed = hash_password("correct horse battery")
    assert hashed.startswith("$argon2id$")
    assert "correct horse battery" not in hashed
    assert verify_password(hashed, "correct horse battery")
    assert not verify_password(hashed, "correct horse batterY")


def test_same_password_hashes_differently_each_time() -> None:
    assert hash_password("same password 123") != hash_password("same password 123")


def test_garbage_hash_refuses_instead_of_raising() -> None:
    assert not verify_password("not-a-hash", "anything at all")
    assert needs_rehash("not-a-hash")


def test_weak_parameters_need_rehash() -> None:
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("password 1234")
    assert needs_rehash(weak)
    assert not needs_rehash(hash_password("password 1234"))
