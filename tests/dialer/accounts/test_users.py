from __future__ import annotations

import pytest
from sqlmodel import Session

from dialer.accounts import AccountError, Role, create_user, find_user, verify_password


def test_create_user_normalises_username_and_hashes_password(session: Session) -> None:
    user = create_user(session, "  J.Dupont ", "Jeanne   Dupont", "manager", "un mot de passe sûr")
    assert user.id is not None
    assert user.username == "j.dupont"
    assert user.full_name == "Jeanne Dupont"
    assert user.role == Role.MANAGER.value
    assert verify_password(user.password_hash, "un mot de passe sûr")
    assert find_user(session, "J.DUPONT") is user


def test_duplicate_username_refused_in_french(session: Session) -> None:
    create_user(session, "agent1", "Agent Un", "agent", "mot de passe 12345")
    with pytest.raises(AccountError, match="déjà utilisé"):
        create_user(session, "AGENT1", "Autre", "agent", "mot de passe 12345")


@pytest.mark.parametrize(
    ("username", "full_name", "role", "password", "fragment"),
    [
        ("a", "Nom", "agent", "mot de passe 12345", "Identifiant invalide"),
        ("nul\x00byte", "Nom", "agent", "mot de passe 12345", "Identifiant invalide"),
        ("agent2", "", "agent", "mot de passe 12345", "nom complet est obligatoire"),
        ("agent2", "Nom\x00", "agent", "mot de passe 12345", "caractère de contrôle"),
        ("agent2", "N" * 201, "agent", "mot de passe 12345", "ne doit pas dépasser"),
        ("agent2", "Nom", "root", "mot de passe 12345", "Rôle inconnu"),
        ("agent2", "Nom", "agent", "court", "au moins 12"),
        ("agent2", "Nom", "agent", "x" * 257, "ne doit pas dépasser 256"),
    ],
)
def test_malformed_accounts_refused(
    session: Session, username: str, full_name: str, role: str, password: str, fragment: str
) -> None:
    with pytest.raises(AccountError, match=fragment):
        create_user(session, username, full_name, role, password)
    assert find_user(session, "agent2") is None
