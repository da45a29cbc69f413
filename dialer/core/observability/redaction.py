"""Personal data never reaches a log line: what looks like a NIR, a phone number or
an email address is replaced before any handler sees the record.

Names cannot be recognised by a pattern; they are kept out of logs by the code
(payloads carry ids only) and by keeping the SQL parameter loggers quiet.
"""

from __future__ import annotations

import re

# 13 digits + 2-digit key, Corsica's 2A/2B, with or without the printed spaces.
_NIR = r"\b[1-478] ?\d{2} ?\d{2} ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3}(?: ?\d{2})?\b"
_E164 = r"\+\d{1,3}(?:[ .-]?\d){6,14}\b"
_INTERNATIONAL = r"\b00\d{8,15}\b"
# French national numbers (metropolitan and overseas), as typed or as dialled.
_NATIONAL = r"\b0[1-9](?:[ .-]?\d{2}){4}\b"
# E.164 without its plus, as the dialplan and AMI frames often carry them.
_BARE_E164 = r"\b(?:33|59[0-6]|262|269)\d{9}\b"
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"

_PATTERNS = (
    ("[nir]", re.compile(_NIR, re.IGNORECASE)),
    ("[email]", re.compile(_EMAIL)),
    ("[téléphone]", re.compile(_E164)),
    ("[téléphone]", re.compile(_INTERNATIONAL)),
    ("[téléphone]", re.compile(_BARE_E164)),
    ("[téléphone]", re.compile(_NATIONAL)),
)


def redact(text: str) -> str:
    """``text`` with every NIR, email address and phone number masked."""
    for mask, pattern in _PATTERNS:
        text = pattern.sub(mask, text)
    return text
