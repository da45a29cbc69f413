"""Nothing unsafe reaches the socket: hostile values are refused before writing,
and whatever is written is exactly the intended header lines."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from telephony.ami.frames import (
    MAX_LINE_BYTES,
    DialTemplate,
    InvalidNumber,
    UnsafeAmiValue,
    check_e164,
    national_form,
    variable,
)
from telephony.ami.protocol import SafeAmiProtocol, make_action

BREAKERS = ["\r", "\n", "\x00", "\r\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c"]
INJECTIONS = ["\r\nAction: Command\r\nCommand: core stop now\r\n\r\n", "x\nAction: Hangup", "\x00"]


class CaptureTransport:
    """The socket end of the real protocol: records every byte written."""

    def __init__(self) -> None:
        self.written = bytearray()

    def write(self, data: bytes) -> None:
        self.written += data

    def close(self) -> None:
        pass


def protocol() -> tuple[SafeAmiProtocol, CaptureTransport]:
    transport = CaptureTransport()
    proto = SafeAmiProtocol()
    proto.connection_made(transport)
    proto.encoding = "utf8"
    return proto, transport


hostile_text = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from(["a", ":", " ", *(b for b in BREAKERS if len(b) == 1)])),
    st.builds(
        lambda a, i, b: a + i + b,
        st.text(max_size=20),
        st.sampled_from(INJECTIONS),
        st.text(max_size=20),
    ),
    st.text(min_size=MAX_LINE_BYTES - 20, max_size=MAX_LINE_BYTES + 50),
)


def breaks_a_line(text: str) -> bool:
    # An oracle independent of the code under test: Python's own idea of a
    # line boundary, plus NUL.
    return len(f"x{text}x".splitlines()) > 1 or "\x00" in text


def lines_written(headers: dict[str, Any]) -> list[str] | None:
    """Send through the real protocol; None when refused (then nothing was written)."""
    proto, transport = protocol()

    async def go() -> list[str] | None:
        try:
            action = make_action(headers, as_list=False)
            proto.send(action)
        except UnsafeAmiValue:
            assert transport.written == b""
            return None
        text = transport.written.decode("utf-8")
        assert text.endswith("\r\n\r\n") and text.count("\r\n\r\n") == 1
        return text[:-4].split("\r\n")

    return asyncio.run(go())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=hostile_text, name=st.sampled_from(["Channel", "CallerID", "Value"]))
def test_any_value_is_refused_or_written_as_one_line(value: str, name: str) -> None:
    lines = lines_written({"Action": "Setvar", name: value})
    if lines is None:
        unsafe = breaks_a_line(value) or len(value.encode()) > MAX_LINE_BYTES - 20
        assert unsafe, f"safe value refused: {value!r}"
        return
    assert len(lines) == 3, "one line per header, no smuggled line"
    assert f"{name}: {value}" in lines
    assert sum(line.startswith("Action:") for line in lines) == 1
    assert not any(breaks_a_line(line) for line in lines)


@settings(max_examples=200, deadline=None)
@given(name=hostile_text)
def test_hostile_header_names_are_refused(name: str) -> None:
    lines = lines_written({"Action": "Ping", name: "x"})
    if lines is not None:
        assert name.replace("-", "").replace("_", "").isascii()
        assert name.replace("-", "").replace("_", "").isalnum()


@pytest.mark.parametrize("hostile", INJECTIONS + BREAKERS)
def test_variable_values_with_breaks_or_commas_are_refused(hostile: str) -> None:
    with pytest.raises(UnsafeAmiValue):
        variable("AGENT", "901" + hostile)
    with pytest.raises(UnsafeAmiValue):
        variable("AGENT", "901,ATTEMPT_ID=other")


@settings(max_examples=300, deadline=None)
@given(number=hostile_text)
def test_dial_string_only_from_a_valid_e164(number: str) -> None:
    template = DialTemplate("PJSIP/{e164}@trunk")
    try:
        dial = template.build(number)
    except InvalidNumber:
        return
    assert dial == f"PJSIP/{number}@trunk"
    assert number[0] == "+" and number[1:].isdigit() and 8 <= len(number) - 1 <= 15


@pytest.mark.parametrize(
    ("e164", "national"),
    [
        ("+33612345678", "0612345678"),
        ("+33162000000", "0162000000"),
        ("+590690123456", "0690123456"),
        ("+596696123456", "0696123456"),
        ("+594694123456", "0694123456"),
        ("+262692123456", "0692123456"),
        ("+262639123456", "0639123456"),
    ],
)
def test_national_form_of_french_numbers(e164: str, national: str) -> None:
    assert national_form(e164) == national
    assert DialTemplate("Local/{national}@outbound").build(e164) == f"Local/{national}@outbound"


@pytest.mark.parametrize(
    "bad",
    [
        "0612345678",
        "+3361234",
        "+33 6 12 34 56 78",
        "+0612345678",
        "+1234567890123456",
        "",
        "+٣٣٦١٢٣٤٥٦٧٨",
    ],
)
def test_not_e164_is_refused(bad: str) -> None:
    with pytest.raises(InvalidNumber):
        check_e164(bad)


def test_national_form_refuses_foreign_numbers() -> None:
    with pytest.raises(InvalidNumber):
        national_form("+4915123456789")


@pytest.mark.parametrize(
    "pattern",
    [
        "PJSIP/{e164}@trunk\r\nAction: Command",
        "PJSIP/{e164}@{e164}",
        "PJSIP/0612@trunk",
        "{e164}",
        "PJSIP/{e164}@tr,unk",
    ],
)
def test_unsafe_dial_templates_are_refused(pattern: str) -> None:
    with pytest.raises(UnsafeAmiValue):
        DialTemplate(pattern)
