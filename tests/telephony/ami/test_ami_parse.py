"""The adapter's frame parser builds exactly the Message panoramisk 1.4 would."""

from __future__ import annotations

import pytest
from panoramisk.message import Message

from telephony.ami.parse import parse_message
from telephony.transcripts import load_all

RECORDED = sorted(
    {"\r\n".join(m.lines) for t in load_all().values() for m in t.messages if m.lines}
)
EDGE_CASES = [
    "Response: Follows\r\nPrivilege: Command\r\nline one\nline two\r\n--END COMMAND--",
    "Response: Fail\r\nMessage: no\r\n\r\n",
    "Response: Success\r\nResult: 200%20result%3D1 ",
    "Event: VarSet\r\nVariable: A=1\r\nVariable: B=2\r\nVariable: C=3",
    "Event: X\r\nVariable: a\r\nvariable: b\r\nContent: shadowed",
    "Asterisk Call Manager/11.0.0\r\nResponse: Success\r\nActionID: c1",
    "Event: NoSpace\r\nKey:value\r\nEmpty: ",
    "no headers at all",
    "",
]


def same(frame: str) -> None:
    expected, got = Message.from_line(frame), parse_message(frame)
    if expected is None:
        assert got is None
        return
    assert type(got) is Message and got.manager is None
    assert list(got._store.items()) == list(expected._store.items())
    assert got.content == expected.content


def test_every_recorded_frame_parses_as_panoramisk_parses_it() -> None:
    assert len(RECORDED) > 1000
    for frame in RECORDED:
        same(frame.strip())


@pytest.mark.parametrize("frame", EDGE_CASES)
def test_edge_cases_parse_as_panoramisk_parses_them(frame: str) -> None:
    same(frame.strip())


def test_repeated_headers_become_a_list_and_lookups_ignore_case() -> None:
    message = parse_message("Event: VarSet\r\nVariable: A=1\r\nVariable: B=2")
    assert message is not None
    assert message["variable"] == ["A=1", "B=2"]
    assert message.get("EVENT") == "VarSet" and "event" in message
