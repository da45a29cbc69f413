"""Campaign themes: who is called, with which fields, until when.

The import reads a file through ``match_columns`` then ``parse_row``; forms and
the API use the same ``FieldSpec`` parsers, so a value is judged the same way
wherever it comes from.
"""

from dialer.contacts.themes.base import Audience, FieldSpec, Theme
from dialer.contacts.themes.columns import ColumnMapping, header_key, match_columns, theme_fields
from dialer.contacts.themes.person_fields import PERSON_FIELDS
from dialer.contacts.themes.registry import THEMES, get_theme
from dialer.contacts.themes.rows import ParsedRow, RowError, parse_row

__all__ = [
    "PERSON_FIELDS",
    "THEMES",
    "Audience",
    "ColumnMapping",
    "FieldSpec",
    "ParsedRow",
    "RowError",
    "Theme",
    "get_theme",
    "header_key",
    "match_columns",
    "parse_row",
    "theme_fields",
]
