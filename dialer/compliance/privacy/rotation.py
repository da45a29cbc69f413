"""Key rotation for secrets at rest: new active key, re-encrypt, retire the old keys.

Every sealed value names the key that sealed it, so rotation is resumable: a
token already under the active key is left alone, and a rotation that stopped
half-way is finished by running it again (the key ring then still holds the old
keys, so no further key is added). Old keys are removed from the ring only when
a full pass found no token left under them. The look-up key never changes, so
NIR look-ups keep working throughout.

Sealed values live in four places: ``Person.nir_cipher``, the secret fields of
``CampaignContact.theme_data``, ``Fund.webhook_secret_cipher`` and the sealed
NIR of undelivered ``FeedEvent`` payloads.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.engine import Connection, Engine
from sqlmodel import col

from dialer.campaigns.importing.records import SECRET_THEME_PURPOSE
from dialer.campaigns.models import Campaign
from dialer.compliance.feed.delivery import WEBHOOK_PURPOSE
from dialer.compliance.feed.kinds import NIR_PURPOSE, SEALED_NIR_KEY
from dialer.compliance.feed.models import FeedEvent
from dialer.contacts.funds import Fund
from dialer.contacts.people.models import CampaignContact, Person
from dialer.contacts.themes import get_theme
from dialer.core.crypto import CipherError, DataCipher, KeyRing, save_key_ring


@dataclass
class RotationReport:
    active_key: str
    resumed: bool
    rewritten: dict[str, int] = field(default_factory=dict)
    unreadable: int = 0
    census: dict[str, int] = field(default_factory=dict)  # tokens per key after the pass
    retired: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # old keys still in use

    @property
    def total_rewritten(self) -> int:
        return sum(self.rewritten.values())

    def text_fr(self) -> str:
        lines = [
            ("Rotation inachevée reprise" if self.resumed else "Nouvelle clé active")
            + f" : {self.active_key}.",
            f"Valeurs re-chiffrées : {self.total_rewritten} "
            + "("
            + ", ".join(f"{name} {count}" for name, count in sorted(self.rewritten.items()))
            + ").",
        ]
        if self.retired:
            lines.append("Clés retirées : " + ", ".join(self.retired) + ".")
        if self.kept:
            lines.append(
                "Clés encore utilisées, conservées : " + ", ".join(self.kept) + ". "
                "Relancez la rotation une fois le service arrêté."
            )
        if self.unreadable:
            lines.append(f"Valeurs illisibles (non re-chiffrées) : {self.unreadable}.")
        return "\n".join(lines)


@dataclass
class ReencryptionPass:
    cipher: DataCipher
    batch_size: int
    rewritten: Counter[str] = field(default_factory=Counter)
    census: Counter[str] = field(default_factory=Counter)
    unreadable: int = 0

    def reseal(self, token: str, purpose: str) -> str | None:
        """The token under the active key, or None when it needs no change."""
        key_id = self.cipher.key_id_of(token) if token.count(":") >= 2 else "?"
        if key_id == self.cipher.ring.active:
            self.census[key_id] += 1
            return None
        try:
            plain = self.cipher.decrypt(token, purpose)
        except CipherError:
            # Left as it is and counted, so its key is not retired under it.
            self.unreadable += 1
            self.census[key_id] += 1
            return None
        self.census[self.cipher.ring.active] += 1
        return self.cipher.encrypt(plain, purpose)


def rotate_keys(engine: Engine, key_file: Path, batch_size: int = 500) -> RotationReport:
    """Rotate (or finish rotating) the key ring in ``key_file``; see the module doc."""
    ring = KeyRing.from_json(key_file.read_text(encoding="utf-8"))
    resumed = len(ring.keys) > 1
    if not resumed:
        ring = ring.with_new_active_key()
        save_key_ring(ring, key_file)
    work = reencrypt_all(engine, DataCipher(ring), batch_size)
    report = RotationReport(
        active_key=ring.active,
        resumed=resumed,
        rewritten=dict(work.rewritten),
        unreadable=work.unreadable,
        census=dict(work.census),
    )
    for key_id in sorted(ring.keys):
        if key_id == ring.active:
            continue
        (report.kept if work.census.get(key_id) else report.retired).append(key_id)
    if report.retired:
        keys = {k: v for k, v in ring.keys.items() if k not in report.retired}
        save_key_ring(KeyRing(active=ring.active, keys=keys, lookup_key=ring.lookup_key), key_file)
    return report


def reencrypt_all(engine: Engine, cipher: DataCipher, batch_size: int = 500) -> ReencryptionPass:
    """One pass over every sealed value, re-sealing those not under the active key."""
    work = ReencryptionPass(cipher, batch_size)
    work.rewritten["nir"] = _reseal_text(
        engine, work, col(Person.id), col(Person.nir_cipher), "nir"
    )
    work.rewritten["webhook"] = _reseal_text(
        engine, work, col(Fund.id), col(Fund.webhook_secret_cipher), WEBHOOK_PURPOSE
    )
    work.rewritten["theme"] = _reseal_theme_data(engine, work)
    work.rewritten["feed"] = _reseal_json(
        engine, work, col(FeedEvent.id), col(FeedEvent.payload), {SEALED_NIR_KEY: NIR_PURPOSE}
    )
    return work


def _reseal_text(
    engine: Engine, work: ReencryptionPass, id_col: Any, value_col: Any, purpose: str
) -> int:
    def rewrite(conn: Connection, rows: Sequence[Any]) -> int:
        changed = 0
        for row_id, token in rows:
            new = work.reseal(token, purpose)
            if new is not None:
                # Guarded by the old value: a concurrent change is never overwritten.
                conn.execute(
                    update(id_col.table)
                    .where(id_col == row_id, value_col == token)
                    .values({value_col.key: new})
                )
                changed += 1
        return changed

    return _in_batches(
        engine, work.batch_size, id_col, [value_col], [value_col.isnot(None)], rewrite
    )


def _reseal_theme_data(engine: Engine, work: ReencryptionPass) -> int:
    with engine.connect() as conn:
        campaigns = conn.execute(select(col(Campaign.id), col(Campaign.theme))).all()
    total = 0
    for campaign_id, theme_key in campaigns:
        secret_keys = get_theme(theme_key).secret_fields
        if not secret_keys:
            continue
        purposes = {key: f"{SECRET_THEME_PURPOSE}:{key}" for key in secret_keys}
        total += _reseal_json(
            engine, work, col(CampaignContact.id), col(CampaignContact.theme_data),
            purposes,
            [col(CampaignContact.campaign_id) == campaign_id],
        )  # fmt: skip
    return total


def _reseal_json(
    engine: Engine,
    work: ReencryptionPass,
    id_col: Any,
    json_col: Any,
    purposes: dict[str, str],  # JSON key -> purpose it was sealed for
    where: list[ColumnElement[bool]] | None = None,
) -> int:
    def rewrite(conn: Connection, rows: Sequence[Any]) -> int:
        changed = 0
        for row in rows:
            data = dict(row[1] or {})
            replaced = False
            for key, purpose in purposes.items():
                value = data.get(key)
                if isinstance(value, str) and value:
                    new = work.reseal(value, purpose)
                    if new is not None:
                        data[key], replaced = new, True
            if replaced:
                conn.execute(
                    update(id_col.table).where(id_col == row[0]).values({json_col.key: data})
                )
                changed += 1
        return changed

    return _in_batches(engine, work.batch_size, id_col, [json_col], where or [], rewrite)


def _in_batches(
    engine: Engine,
    size: int,
    id_col: Any,
    columns: list[Any],
    where: list[ColumnElement[bool]],
    rewrite: Callable[[Connection, Sequence[Any]], int],
) -> int:
    """Keyset pages by id, one transaction each, so a stopped run keeps its progress."""
    last_id, total = 0, 0
    while True:
        with engine.begin() as conn:
            rows = conn.execute(
                select(id_col, *columns)
                .where(id_col > last_id, *where)
                .order_by(id_col)
                .limit(size)
            ).all()
            if not rows:
                return total
            total += rewrite(conn, rows)
        last_id = rows[-1][0]
