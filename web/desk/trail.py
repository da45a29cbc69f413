"""The desk's access-trail hook: every read of a person's data leaves an entry.

The trail is imported when first used, so the desk does not depend on its module
being loaded (or even present) at start-up; a missing trail then fails the read
loudly rather than letting personal data out untraced.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlmodel import Session

from dialer.accounts.models import User

if TYPE_CHECKING:
    from dialer.compliance.privacy.models import AccessEntry


def record_read(
    session: Session,
    user: User,
    action: str,
    person_id: int,
    fields: Iterable[str],
    *,
    campaign_id: int,
    attempt_id: int | None,
    address: str | None,
) -> None:
    """Append one entry in the caller's transaction (the caller commits)."""
    from dialer.compliance.privacy.trail import append_entry

    entry = read_entry(
        user, action, person_id, fields,
        campaign_id=campaign_id, attempt_id=attempt_id, address=address,
    )  # fmt: skip
    append_entry(session, entry)


def read_entry(
    user: User,
    action: str,
    person_id: int,
    fields: Iterable[str],
    *,
    campaign_id: int,
    attempt_id: int | None,
    address: str | None,
) -> AccessEntry:
    """The entry ``record_read`` would append, for a caller that appends it itself
    (``dialer.compliance.privacy.guarded_append``)."""
    from dialer.compliance.privacy.trail import new_entry

    return new_entry(
        actor=user.username,
        actor_role=user.role,
        action=action,
        person_id=person_id,
        fields=sorted(set(fields)),
        campaign_id=campaign_id,
        attempt_id=attempt_id,
        address=address,
    )
