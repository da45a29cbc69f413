"""Where a person lives, which decides their local time and public holidays."""

from __future__ import annotations

from dialer.people.errors import FieldError
from dialer.people.phones import Phone
from dialer.territories import Territory, territory_from_postal_code


def resolve_territory(
    postal_code: str | None, fund_territory: Territory | None, phone: Phone | None
) -> Territory:
    """Postal code first, then the fund's territory, the phone's only as a last resort.

    A phone says little about residence: a metropolitan mobile may belong to
    someone living in La Réunion, whose fund and postal code know better.
    """
    territory = territory_from_postal_code(postal_code)
    if territory is not None:
        return territory
    if fund_territory is not None:
        return fund_territory
    if phone is not None:
        return phone.territory
    raise FieldError("territoire de résidence indéterminable")
