"""What an administrator does to existing accounts: deactivate, reactivate, reset, change role.

Each change that takes rights away ends the account's sessions in the database, so
every web process refuses them on the next request. An administrator cannot act on
their own account here: they would lock themselves (and maybe everyone) out of
administration. Nothing here commits or traces: the page does both, in one transaction.
"""

from __future__ import annotations

import secrets

from sqlmodel import Session

from dialer.accounts.models import User
from dialer.accounts.passwords import hash_password, verify_password
from dialer.accounts.roles import Role
from dialer.accounts.sessions import close_user_sessions
from dialer.accounts.users import (
    AccountError,
    check_password_strength,
    checked_role,
    disable_user,
)
from dialer.core.columns import require_id, utcnow

# No 0/O, 1/l/I: a temporary password is read aloud or copied by hand.
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
TEMPORARY_LENGTH = 16


def deactivate(session: Session, admin: User, user: User) -> bool:
    """The account can no longer sign in; False when it already could not."""
    _not_self(admin, user, "désactiver")
    if not user.active:
        return False
    disable_user(session, user)
    session.flush()
    return True


def reactivate(session: Session, user: User) -> bool:
    """The account may sign in again (with its current password); False when already active."""
    if user.active:
        return False
    user.active = True
    session.add(user)
    session.flush()
    return True


def change_role(session: Session, admin: User, user: User, role: str) -> Role | None:
    """The new role, or None when unchanged; the account's sessions end so the old rights go."""
    _not_self(admin, user, "changer le rôle de")
    new = checked_role(role)
    if user.role == new.value:
        return None
    user.role = new.value
    session.add(user)
    close_user_sessions(session, require_id(user), utcnow())
    session.flush()
    return new


def reset_password(session: Session, admin: User, user: User) -> str:
    """A temporary password, returned once; the user must replace it at next sign-in."""
    _not_self(admin, user, "réinitialiser le mot de passe de")
    temporary = "".join(secrets.choice(_ALPHABET) for _ in range(TEMPORARY_LENGTH))
    user.password_hash = hash_password(temporary)
    user.must_change_password = True
    session.add(user)
    close_user_sessions(session, require_id(user), utcnow())
    session.flush()
    return temporary


def change_own_password(session: Session, user: User, new: str, confirmation: str) -> None:
    """The user's own new password; it must differ from the one it replaces."""
    if new != confirmation:
        raise AccountError("Les deux saisies du nouveau mot de passe diffèrent.")
    check_password_strength(new)
    if verify_password(user.password_hash, new):
        raise AccountError("Le nouveau mot de passe doit être différent de l'actuel.")
    user.password_hash = hash_password(new)
    user.must_change_password = False
    session.add(user)
    close_user_sessions(session, require_id(user), utcnow())
    session.flush()


def _not_self(admin: User, user: User, what: str) -> None:
    if admin.id is not None and admin.id == user.id:
        raise AccountError(
            f"Vous ne pouvez pas {what} votre propre compte : "
            "demandez-le à un autre administrateur."
        )
