"""A theme date after which calling no longer makes sense.

For instance the end of the child dental check-up cover, or the expiry of the
provisional ameli code: past that day, in the person's own calendar, the call
has lost its purpose.
"""

from __future__ import annotations

from datetime import date

from dialer.campaigns.eligibility.facts import Block, BlockCode


def check_expiry(expiry: date | None, local_today: date) -> Block | None:
    """Blocks once the person's local date is after the expiry date (that day still counts)."""
    if expiry is None or local_today <= expiry:
        return None
    return Block(
        BlockCode.EXPIRED,
        f"L'objet de l'appel a expiré le {expiry.strftime('%d/%m/%Y')}.",
        None,
    )
