"""The webhook signature a fund checks: HMAC-SHA256 of ``"{timestamp}.{body}"``."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Dialer-Signature"
TIMESTAMP_HEADER = "X-Dialer-Timestamp"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode("ascii") + b"." + body
    return "sha256=" + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """What a receiver does (and the tests do): recompute and compare in constant time."""
    if not timestamp.isdigit():
        return False
    return hmac.compare_digest(sign(secret, int(timestamp), body), signature)
