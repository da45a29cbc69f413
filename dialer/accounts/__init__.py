"""People who sign in: roles, password hashes, account creation and login checks."""

from dialer.accounts.login import (
    LOGIN_FAILED_FR,
    LoginOutcome,
    LoginResult,
    authenticate,
)
from dialer.accounts.passwords import hash_password, needs_rehash, verify_password
from dialer.accounts.roles import ROLE_LABELS_FR, Role
from dialer.accounts.users import (
    AccountError,
    create_user,
    disable_user,
    find_user,
    set_password,
)

__all__ = [
    "LOGIN_FAILED_FR",
    "ROLE_LABELS_FR",
    "AccountError",
    "LoginOutcome",
    "LoginResult",
    "Role",
    "authenticate",
    "create_user",
    "disable_user",
    "find_user",
    "hash_password",
    "needs_rehash",
    "set_password",
    "verify_password",
]
