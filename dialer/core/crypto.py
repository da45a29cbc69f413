"""Secrets at rest: AES-GCM encryption and keyed-hash look-ups.

The NIR and the provisional ameli code are stored only encrypted. To find a
person by NIR without decrypting every row, a keyed hash (HMAC-SHA256 with a
separate look-up key) of the value is stored beside the cipher text. Tokens name
the key that sealed them, so keys can rotate: the key ring keeps old keys until
a rotation has re-encrypted every token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from dialer.core.files import write_private_text

TOKEN_PREFIX = "v1"  # noqa: S105  (a format version)


class CipherError(ValueError):
    """A token cannot be opened: unknown key, tampered or not a token."""


@dataclass
class KeyRing:
    active: str
    keys: dict[str, bytes]
    lookup_key: bytes
    _aead: dict[str, AESGCM] = field(default_factory=dict, repr=False)

    def aead(self, key_id: str) -> AESGCM:
        if key_id not in self._aead:
            if key_id not in self.keys:
                raise CipherError(f"unknown data key {key_id!r}")
            self._aead[key_id] = AESGCM(self.keys[key_id])
        return self._aead[key_id]

    def to_json(self) -> str:
        return json.dumps(
            {
                "active": self.active,
                "keys": {k: _b64(v) for k, v in self.keys.items()},
                "lookup": _b64(self.lookup_key),
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> KeyRing:
        data = json.loads(text)
        keys = {k: base64.b64decode(v) for k, v in data["keys"].items()}
        for key_id, key in keys.items():
            if len(key) != 32:
                raise CipherError(f"data key {key_id!r} must be 32 bytes")
        if data["active"] not in keys:
            raise CipherError("the active data key is not in the key ring")
        return cls(active=data["active"], keys=keys, lookup_key=base64.b64decode(data["lookup"]))

    @classmethod
    def generate(cls) -> KeyRing:
        return cls(active="k1", keys={"k1": AESGCM.generate_key(256)}, lookup_key=os.urandom(32))

    def with_new_active_key(self) -> KeyRing:
        number = 1 + max(int(k[1:]) for k in self.keys if k[1:].isdigit())
        key_id = f"k{number}"
        keys = {**self.keys, key_id: AESGCM.generate_key(256)}
        return KeyRing(active=key_id, keys=keys, lookup_key=self.lookup_key)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


class DataCipher:
    """Seals and opens secret values; computes their look-up hashes."""

    def __init__(self, ring: KeyRing) -> None:
        self.ring = ring
        self._nonces = _NoncePool()

    def encrypt(self, plain: str, purpose: str) -> str:
        nonce = self._nonces.take()
        sealed = self.ring.aead(self.ring.active).encrypt(
            nonce, plain.encode("utf-8"), purpose.encode()
        )
        return f"{TOKEN_PREFIX}:{self.ring.active}:{_b64(nonce + sealed)}"

    def decrypt(self, token: str, purpose: str) -> str:
        try:
            prefix, key_id, payload = token.split(":", 2)
            raw = base64.b64decode(payload, validate=True)
        except ValueError as error:
            raise CipherError("not an encrypted value") from error
        if prefix != TOKEN_PREFIX:
            raise CipherError("unknown token version")
        try:
            plain = self.ring.aead(key_id).decrypt(raw[:12], raw[12:], purpose.encode())
        except Exception as error:  # InvalidTag: tampered or wrong purpose
            raise CipherError("encrypted value failed authentication") from error
        return plain.decode("utf-8")

    def key_id_of(self, token: str) -> str:
        return token.split(":", 2)[1]

    def lookup(self, value: str, purpose: str) -> str:
        # hmac.digest is the one-shot C path: the same HMAC-SHA256 as hmac.new, cheaper.
        message = f"{purpose}:{value}".encode()
        return hmac.digest(self.ring.lookup_key, message, hashlib.sha256).hex()


NONCE_BYTES = 12
NONCES_PER_DRAW = 512


class _NoncePool:
    """Random AES-GCM nonces drawn from the OS 512 at a time (one system call, not 512).

    Each nonce is handed out once. A forked child must never hand out its
    parent's remaining nonces (a repeated nonce breaks AES-GCM), so the pool
    is drawn again whenever the process id changes; the lock keeps two
    threads from taking the same one.
    """

    def __init__(self) -> None:
        self._pid = 0
        self._buffer = b""
        self._offset = 0
        self._lock = threading.Lock()

    def take(self) -> bytes:
        with self._lock:
            if self._offset >= len(self._buffer) or self._pid != os.getpid():
                self._pid = os.getpid()
                self._buffer = secrets.token_bytes(NONCE_BYTES * NONCES_PER_DRAW)
                self._offset = 0
            start = self._offset
            self._offset = start + NONCE_BYTES
            return self._buffer[start : self._offset]


def load_key_ring(key_file: Path | None, inline: str | None, create: bool) -> KeyRing:
    """The key ring from settings: inline JSON, a key file, or a new file on first start."""
    if inline:
        return KeyRing.from_json(inline)
    if key_file is None:
        raise CipherError("no data key configured (DIALER_DATA_KEY or DIALER_DATA_KEY_FILE)")
    if key_file.exists():
        return KeyRing.from_json(key_file.read_text(encoding="utf-8"))
    if not create:
        raise CipherError(f"data key file {key_file} does not exist")
    ring = KeyRing.generate()
    save_key_ring(ring, key_file)
    return ring


def save_key_ring(ring: KeyRing, key_file: Path) -> None:
    tmp = key_file.with_suffix(".tmp")
    # Owner-only before the first byte: a chmod after writing leaves a readable window.
    write_private_text(tmp, ring.to_json())
    tmp.replace(key_file)
