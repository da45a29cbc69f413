"""Caller IDs a campaign may present, and how a manager reads them.

Since 1 January 2023 (ARCEP decision 2022-1583) a platform placing calls
automatically presents a number from the ranges reserved for automated calling
systems; any other number may be blocked by the operators as spoofed.
"""

from __future__ import annotations

import phonenumbers

# National prefixes (after the 0) of the ranges reserved for automated calling.
AUTOMATED_CALLING_PREFIXES = (
    "162", "163", "270", "271", "377", "378", "424", "425", "568", "569", "948", "949",
)  # fmt: skip


def national_text(e164: str) -> str:
    """``+33162000000`` -> « 01 62 00 00 00 »; a number it cannot read is shown as stored."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def caller_id_problem(e164: str) -> str | None:
    """Why ``e164`` is not an allowed caller ID (French), or None when it is."""
    if not e164.startswith("+33"):
        return "le numéro présenté doit être un numéro français (+33)."
    national = e164[3:]
    if not national.startswith(AUTOMATED_CALLING_PREFIXES):
        ranges = ", ".join(f"0{p[0]} {p[1:]}" for p in AUTOMATED_CALLING_PREFIXES)
        return (
            f"le numéro présenté {national_text(e164)} n'est pas dans une tranche réservée "
            f"aux automates d'appel (ARCEP : {ranges})."
        )
    return None
