"""Where a person lives, which decides their local time and public holidays."""

from __future__ import annotations

from dialer.contacts.people.errors import FieldError
from dialer.contacts.people.phones import Phone
from dialer.contacts.territories import Territory, territory_from_postal_code


def resolve_territory(
    postal_code: str | None, fund_territory: Territory | None, phone: Phone | None
) -> Territory:
    """Postal code first, then the phone called, the fund's territory only as a fallback.

    The fund says where people are insured, not where they pick up the phone:
    a metropolitan fund's file holds people with a Réunion mobile, who must not
    be called at Paris hours. The number called is judged again at every call
    (``dialer.contacts.territories.call_territories``), beside this territory.
    """
    territory = territory_from_postal_code(postal_code)
    if territory is not None:
        return territory
    if phone is not None:
        return phone.territory
    if fund_territory is not None:
        return fund_territory
    raise FieldError("territoire de résidence indéterminable")
