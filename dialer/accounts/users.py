"""Creating accounts and changing passwords, with French refusals."""

from __future__ import annotations

import re
import unicodedata

from sqlmodel import Session, select

from dialer.accounts.models import User
from dialer.accounts.passwords import hash_password
from dialer.accounts.phones import PhoneEndpointError, checked_endpoint
from dialer.accounts.roles import Role, parse_role, unknown_role_fr
from dialer.accounts.sessions import close_user_sessions
from dialer.core.columns import utcnow
from dialer.core.errors import DomainError

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,49}$")
PASSWORD_MIN = 12
# Argon2 takes any length; the cap keeps a hostile form from costing memory and time.
PASSWORD_MAX = 256
FULL_NAME_MAX = 200


class AccountError(DomainError):
    """An account cannot be created or changed as asked; the message is French."""


def normalise_username(username: str) -> str:
    return username.strip().lower()


def find_user(session: Session, username: str) -> User | None:
    name = normalise_username(username)
    if not USERNAME_PATTERN.match(name):
        return None
    return session.exec(select(User).where(User.username == name)).first()


def create_user(
    session: Session, username: str, full_name: str, role: str, password: str,
    phone_endpoint: str | None = None,
) -> User:  # fmt: skip
    """A new active account; refuses duplicates and weak or malformed values."""
    name = normalise_username(username)
    if not USERNAME_PATTERN.match(name):
        raise AccountError(
            "Identifiant invalide : 3 à 50 caractères parmi les minuscules non accentuées, "
            "chiffres, point, tiret et tiret bas, en commençant par une lettre ou un chiffre."
        )
    chosen_role = checked_role(role)
    display = _checked_full_name(full_name)
    check_password_strength(password)
    try:
        endpoint = checked_endpoint(phone_endpoint)
    except PhoneEndpointError as error:
        raise AccountError(str(error)) from error
    if session.exec(select(User).where(User.username == name)).first():
        raise AccountError(f"L'identifiant {name} est déjà utilisé.")
    user = User(
        username=name,
        full_name=display,
        role=chosen_role.value,
        password_hash=hash_password(password),
        phone_endpoint=endpoint,
    )
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, user: User, password: str) -> None:
    """A new password; every session opened with the old one ends, on every process."""
    check_password_strength(password)
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    session.add(user)
    if user.id is not None:
        close_user_sessions(session, user.id, utcnow())


def disable_user(session: Session, user: User) -> None:
    """The account can no longer sign in, and its open sessions end for good."""
    user.active = False
    session.add(user)
    if user.id is not None:
        close_user_sessions(session, user.id, utcnow())


def check_password_strength(password: str) -> None:
    if len(password) < PASSWORD_MIN:
        raise AccountError(f"Le mot de passe doit compter au moins {PASSWORD_MIN} caractères.")
    if len(password) > PASSWORD_MAX:
        raise AccountError(f"Le mot de passe ne doit pas dépasser {PASSWORD_MAX} caractères.")
    if _has_control(password):
        raise AccountError("Le mot de passe contient un caractère de contrôle non autorisé.")


def checked_role(role: str) -> Role:
    checked = parse_role(role)
    if checked is None:
        raise AccountError(unknown_role_fr())
    return checked


def _checked_full_name(full_name: str) -> str:
    display = " ".join(full_name.split())
    if not display:
        raise AccountError("Le nom complet est obligatoire.")
    if len(display) > FULL_NAME_MAX:
        raise AccountError(f"Le nom complet ne doit pas dépasser {FULL_NAME_MAX} caractères.")
    if _has_control(display):
        raise AccountError("Le nom complet contient un caractère de contrôle non autorisé.")
    return display


def _has_control(text: str) -> bool:
    return any(unicodedata.category(char) == "Cc" for char in text)
