"""What looks like personal data is masked; ordinary log text is left alone."""

from __future__ import annotations

import pytest

from dialer.core.observability.redaction import redact


@pytest.mark.parametrize(
    "secret",
    [
        "185057800608436",  # NIR with its key
        "1 85 05 78 006 084 36",  # as printed on the card
        "2 69 05 2A 123 456 78",  # Corsica
        "269052B12345678",
        "1850578006084",  # without the key
        "+33612345678",
        "+590 690 12 34 56",
        "06 12 34 56 78",
        "06.12.34.56.78",
        "0690123456",
        "33612345678",
        "262692123456",
        "0033612345678",
        "lea.martin+cpam@example.fr",
    ],
)
def test_personal_values_are_masked(secret: str) -> None:
    line = f"call to <{secret}> failed"
    clean = redact(line)
    assert secret not in clean
    assert clean.startswith("call to <[") and clean.endswith("]> failed")


def test_kinds_are_named() -> None:
    text = "nir 185057800608436, tel +33612345678, mail a.b@c.fr"
    assert redact(text) == "nir [nir], tel [téléphone], mail [email]"


@pytest.mark.parametrize(
    "text",
    [
        "attempt 4211 ended: busy (campaign 3)",
        "AMI connection to 127.0.0.1:5038 lost",
        "tick at 2026-11-25 10:00:00 took 0.0123 s",
        "Local/90007@sim-agents",
        "worker-1 claimed 12 contacts",
    ],
)
def test_ordinary_text_is_unchanged(text: str) -> None:
    assert redact(text) == text
