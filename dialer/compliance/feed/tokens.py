"""The API tokens a fund pulls its results with. Only a SHA-256 hash is stored.

Tokens are 256 random bits, so a plain hash is enough (no password stretching):
nobody can guess one, and a stolen table of hashes opens nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlmodel import Session, col, select

from dialer.contacts.funds import Fund, FundToken
from dialer.core.columns import utcnow
from dialer.core.errors import NotFound

TOKEN_PREFIX = "dlrf_"  # noqa: S105 (a marker, not a secret)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, fund_id: int, label: str) -> str:
    """A new token for ``fund_id``: returned once in clear, never stored so."""
    if session.get(Fund, fund_id) is None:
        raise NotFound(f"Caisse {fund_id} introuvable.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(FundToken(fund_id=fund_id, label=label[:200], token_hash=hash_token(token)))
    session.flush()
    return token


def revoke_token(session: Session, token_id: int, *, fund_id: int | None = None) -> bool:
    """Revoke one token (of ``fund_id`` when given); False if there is no such live token."""
    row = session.get(FundToken, token_id)
    if row is None or row.revoked_at is not None:
        return False
    if fund_id is not None and row.fund_id != fund_id:
        return False
    row.revoked_at = utcnow()
    session.add(row)
    session.flush()
    return True


def list_tokens(session: Session, fund_id: int) -> list[FundToken]:
    statement = select(FundToken).where(FundToken.fund_id == fund_id).order_by(col(FundToken.id))
    return list(session.exec(statement))


def authenticate(session: Session, token: str) -> Fund | None:
    """The fund a live token belongs to, or None; records when the token was last used."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    presented = hash_token(token)
    row = session.exec(select(FundToken).where(FundToken.token_hash == presented)).first()
    # The look-up is by hash; the final comparison still runs in constant time.
    if row is None or not hmac.compare_digest(row.token_hash, presented):
        return None
    if row.revoked_at is not None:
        return None
    row.last_used_at = utcnow()
    session.add(row)
    session.flush()
    return session.get(Fund, row.fund_id)
