"""An Originate action, read once into plain fields."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_CALLER_ID = re.compile(r'^\s*"?([^"<]*?)"?\s*<([^>]*)>\s*$')


@dataclass
class OriginateRequest:
    action_id: str
    dial_string: str
    context: str
    exten: str
    timeout_ms: int
    caller_num: str
    caller_name: str
    channel_id: str
    other_channel_id: str
    variables: list[tuple[str, str]] = field(default_factory=list)

    @property
    def tech(self) -> str:
        return self.dial_string.partition("/")[0].upper()

    @property
    def target(self) -> tuple[str, str]:
        """(number or extension, context or endpoint) of ``Tech/number@where[/options]``."""
        _, _, rest = self.dial_string.partition("/")
        number, _, where = rest.partition("@")
        return number, where.partition("/")[0]

    def variable(self, name: str) -> str:
        for key, value in self.variables:
            if key == name:
                return value
        return ""


def parse_caller_id(text: str) -> tuple[str, str]:
    """``"Name" <num>`` -> (num, name); a bare number has no name."""
    match = _CALLER_ID.match(text)
    if match:
        return match.group(2) or "<unknown>", match.group(1).strip() or "<unknown>"
    return (text.strip() or "<unknown>"), "<unknown>"


def originate_request(
    headers: list[tuple[str, str]], action_id: str, make_id: str
) -> OriginateRequest:
    """Read the headers of an Originate; ``make_id`` stands in for a missing ChannelId."""
    single = {k.lower(): v for k, v in headers}
    variables = []
    for key, value in headers:
        if key.lower() == "variable":
            for item in value.split(","):
                name, _, val = item.partition("=")
                variables.append((name.strip(), val))
    num, name = parse_caller_id(single.get("callerid", ""))
    channel_id = single.get("channelid") or make_id
    return OriginateRequest(
        action_id=action_id,
        dial_string=single.get("channel", ""),
        context=single.get("context", "default"),
        exten=single.get("exten", "s"),
        timeout_ms=_int(single.get("timeout", ""), 30000),
        caller_num=num,
        caller_name=name,
        channel_id=channel_id,
        other_channel_id=single.get("otherchannelid", ""),
        variables=variables,
    )


def _int(text: str, default: int) -> int:
    try:
        return int(text)
    except ValueError:
        return default
