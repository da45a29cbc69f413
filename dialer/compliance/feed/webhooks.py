"""Setting a fund's webhook: the address results are pushed to and its signing secret."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from sqlmodel import Session

from dialer.compliance.feed.delivery import WEBHOOK_PURPOSE
from dialer.contacts.funds import Fund
from dialer.core.crypto import DataCipher
from dialer.core.errors import DomainError, NotFound

_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def check_webhook_url(url: str) -> str:
    """The URL, or DomainError in French: HTTPS only, except on this machine for tests."""
    parts = urlsplit(url)
    if not parts.hostname or parts.scheme not in ("https", "http"):
        raise DomainError("Adresse de webhook invalide : https://… attendu.")
    if parts.scheme == "http" and parts.hostname not in _LOOPBACK:
        raise DomainError(
            "Le webhook doit être en HTTPS : les résultats sont des données de santé."
        )
    if len(url) > 500 or any(ch in url for ch in "\r\n\0 "):
        raise DomainError("Adresse de webhook invalide.")
    return url


def set_webhook(
    session: Session, cipher: DataCipher, fund_id: int, url: str | None, secret: str | None = None
) -> str | None:
    """Set (or, with ``url=None``, remove) the webhook; returns the secret to hand the fund once."""
    fund = session.get(Fund, fund_id)
    if fund is None:
        raise NotFound(f"Caisse {fund_id} introuvable.")
    if url is None:
        fund.webhook_url, fund.webhook_secret_cipher = None, None
        session.add(fund)
        session.flush()
        return None
    fund.webhook_url = check_webhook_url(url)
    plain = secret or secrets.token_urlsafe(32)
    fund.webhook_secret_cipher = cipher.encrypt(plain, WEBHOOK_PURPOSE)
    session.add(fund)
    session.flush()
    return plain
