"""Checkpoints of the access trail kept outside the database, sealed with the key file.

The hash chain proves an entry was edited, but whoever can write to the database can
also delete an entry and recompute every later hash, cut the newest entries off, or
rewrite the whole trail. A checkpoint records the count, the newest entry and its hash,
sealed by an HMAC whose key is derived from the key file (the database never holds it),
and is appended to a file opened O_APPEND with owner-only permissions. Verification then
compares the database with every checkpoint: a trail that no longer contains what was
sealed has been cut, pruned or replaced.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import func
from sqlmodel import Session, col, select

from dialer.compliance.privacy.chain import chain_head
from dialer.compliance.privacy.models import AccessEntry
from dialer.core.columns import utcnow
from dialer.core.crypto import KeyRing
from dialer.core.files import private_dir

SEAL_INFO = b"dialer access-trail checkpoint seal v1"


@dataclass(frozen=True)
class Checkpoint:
    at: str  # naive UTC, ISO
    count: int
    last_id: int | None
    head: str
    seal: str

    @property
    def moment(self) -> datetime:
        return datetime.fromisoformat(self.at)


def seal_key(ring: KeyRing) -> bytes:
    """A key of its own for seals, derived from the key file's look-up key (kept on rotation)."""
    derivation = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=SEAL_INFO)
    return derivation.derive(ring.lookup_key)


def _seal(key: bytes, at: str, count: int, last_id: int | None, head: str) -> str:
    message = f"{at}|{count}|{last_id if last_id is not None else ''}|{head}"
    return hmac.new(key, message.encode("ascii"), hashlib.sha256).hexdigest()


def is_sealed(key: bytes, point: Checkpoint) -> bool:
    expected = _seal(key, point.at, point.count, point.last_id, point.head)
    return hmac.compare_digest(expected, point.seal)


def take_checkpoint(session: Session, ring: KeyRing, path: Path) -> Checkpoint:
    """Seal the trail's current head and append it to ``path``."""
    head = chain_head(session)
    at = utcnow().isoformat(timespec="seconds")
    point = Checkpoint(at, head.count, head.last_id, head.last_hash, "")
    sealed = Checkpoint(**{**asdict(point), "seal": _seal(seal_key(ring), *_fields(point))})
    append_line(path, json.dumps(asdict(sealed), sort_keys=True))
    return sealed


def _fields(point: Checkpoint) -> tuple[str, int, int | None, str]:
    return point.at, point.count, point.last_id, point.head


def append_line(path: Path, line: str) -> None:
    """Append one line; the file is created owner-only and never rewritten in place."""
    private_dir(path.parent)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, (line + "\n").encode("utf-8"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def read_checkpoints(path: Path) -> Iterator[tuple[int, Checkpoint | None]]:
    """Each line number with its checkpoint, or ``None`` for a line that is not one."""
    if not path.exists():
        return
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            try:
                yield number, Checkpoint(**json.loads(line))
            except (ValueError, TypeError):
                yield number, None


def _when(point: Checkpoint) -> str:
    return point.moment.strftime("%d/%m/%Y %H:%M:%S") + " UTC"


def check_against_database(session: Session, ring: KeyRing, path: Path) -> list[str]:
    """What the database lost or changed since each checkpoint, in French (empty: nothing)."""
    key = seal_key(ring)
    problems: list[str] = []
    seen: set[tuple[int, int | None, str]] = set()
    for number, point in read_checkpoints(path):
        if point is None or not is_sealed(key, point):
            problems.append(
                f"Point de contrôle ligne {number} : sceau invalide, le fichier "
                f"{path.name} a été modifié."
            )
            continue
        if (point.count, point.last_id, point.head) in seen:
            continue
        seen.add((point.count, point.last_id, point.head))
        problems.extend(_compare(session, point))
    return problems


def _compare(session: Session, point: Checkpoint) -> list[str]:
    when = _when(point)
    if point.last_id is None:
        return []
    entry = session.get(AccessEntry, point.last_id, populate_existing=True)
    if entry is None:
        return [
            f"Entrée n° {point.last_id}, la plus récente au point de contrôle du {when}, "
            "absente : la fin de la chaîne a été tronquée ou la chaîne remplacée."
        ]
    problems: list[str] = []
    if entry.entry_hash != point.head:
        problems.append(
            f"L'entrée n° {point.last_id} n'a plus l'empreinte scellée au point de contrôle "
            f"du {when} : la chaîne a été recalculée ou remplacée."
        )
    kept = session.exec(
        select(func.count()).select_from(AccessEntry).where(col(AccessEntry.id) <= point.last_id)
    ).one()
    if int(kept) != point.count:
        problems.append(
            f"{kept} entrée(s) jusqu'au n° {point.last_id} au lieu de {point.count} scellées "
            f"au point de contrôle du {when} : des entrées ont été supprimées ou insérées."
        )
    return problems


def daily_checkpoints(path: Path, ring: KeyRing) -> list[Checkpoint]:
    """The last sealed checkpoint of each day, oldest first: what the DPO keeps."""
    key = seal_key(ring)
    by_day: dict[str, Checkpoint] = {}
    for _number, point in read_checkpoints(path):
        if point is not None and is_sealed(key, point):
            by_day[point.at[:10]] = point
    return [by_day[day] for day in sorted(by_day)]
