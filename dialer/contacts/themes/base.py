"""What a campaign theme is: its audience, the fields it may hold, when it expires.

Need-to-know starts here: a field a theme does not declare is neither imported,
stored nor shown, so the declaration is the whole list.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Audience(StrEnum):
    INSURED = "insured"
    PROFESSIONAL = "professional"
    EMPLOYER = "employer"


# Takes a non-blank cell, returns the value or raises FieldError.
Parser = Callable[[str], object]
# (theme field values parsed, today) -> [(field name, French reason)]
CrossCheck = Callable[[Mapping[str, object], date], list[tuple[str, str]]]


@dataclass(frozen=True)
class FieldSpec:
    """One column a file may carry: the Person column or theme_data key it fills."""

    name: str
    label_fr: str
    parser: Parser
    aliases: tuple[str, ...] = ()
    required: bool = False
    secret: bool = False


@dataclass(frozen=True)
class Theme:
    key: str
    label_fr: str
    audience: Audience
    fields: tuple[FieldSpec, ...] = ()
    # The theme_data date after which the person must no longer be called.
    expiry_field: str | None = None
    cross_check: CrossCheck | None = field(default=None, compare=False)

    def expiry(self, theme_data: Mapping[str, object]) -> date | None:
        """Last day the person may be called about this theme, None if it never lapses."""
        if self.expiry_field is None:
            return None
        value = theme_data.get(self.expiry_field)
        if isinstance(value, date):
            return value
        if isinstance(value, str) and value:
            return date.fromisoformat(value)
        return None

    @property
    def secret_fields(self) -> frozenset[str]:
        return frozenset(spec.name for spec in self.fields if spec.secret)
