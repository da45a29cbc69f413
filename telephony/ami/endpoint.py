"""``ami://user:secret@host:5038`` parsed and checked: the one parser, which the
dialer's settings use too (messages in French: they reach the operator)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import parse_qs, unquote, urlsplit

from telephony.ami.frames import UnsafeAmiValue, check_value

AuthMode = Literal["md5", "plain"]
DEFAULT_PORT = 5038


@dataclass(frozen=True)
class AmiEndpoint:
    host: str
    port: int
    username: str
    secret: str = field(repr=False)
    auth: AuthMode = "md5"

    @classmethod
    def parse(cls, url: str) -> AmiEndpoint:
        """Parse ``ami://user:secret@host[:port][?auth=plain|md5]``.

        User and secret may be percent-encoded. MD5 challenge login is the
        default: the secret then never crosses the wire.
        """
        parts = urlsplit(url)
        if parts.scheme != "ami":
            raise ValueError(f"l'adresse AMI doit commencer par ami:// ; reçu : {parts.scheme!r}")
        if not parts.hostname or not parts.username or parts.password is None:
            raise ValueError(
                "l'adresse AMI doit être de la forme ami://utilisateur:secret@hôte[:port]"
            )
        try:
            port = parts.port or DEFAULT_PORT
        except ValueError as exc:
            raise ValueError(f"l'adresse AMI a un port invalide : {exc}") from exc
        auth = parse_qs(parts.query).get("auth", ["md5"])[-1]
        if auth not in ("md5", "plain"):
            raise ValueError(f"auth doit valoir md5 ou plain dans l'adresse AMI ; reçu : {auth!r}")
        username, secret = unquote(parts.username), unquote(parts.password)
        try:
            check_value("Username", username)
            check_value("Secret", secret)
        except UnsafeAmiValue as exc:
            raise ValueError(f"adresse AMI refusée : {exc}") from exc
        return cls(parts.hostname, port, username, secret, "plain" if auth == "plain" else "md5")

    def __str__(self) -> str:
        return f"ami://{self.username}:***@{self.host}:{self.port}"
