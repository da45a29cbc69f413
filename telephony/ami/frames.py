"""What may be written into an AMI frame.

A CR or LF inside a header value would end the header and let the rest of the
value be read by Asterisk as a new header or a new action, so every name and
value is checked before a byte reaches the socket.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import phonenumbers

# Everything str.splitlines() breaks on, plus NUL: another parser on the path
# (a log shipper, a proxy) may split on any of them.
_FORBIDDEN = re.compile("[\x00\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_HEADER_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")
_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
_E164 = re.compile(r"\+[1-9][0-9]{7,14}")
_TEMPLATE_TEXT = re.compile(r"[A-Za-z0-9/@._-]*")
_PLACEHOLDERS = ("{e164}", "{national}")

# Asterisk reads a manager line into a 1025-byte buffer; a longer line is
# discarded or split, which is one more way to smuggle a header in.
MAX_LINE_BYTES = 1000

# Calling codes of the French numbering plan, where the national form is the
# trunk prefix 0 followed by the national significant number.
_FRENCH_PLAN_CODES = frozenset({33, 262, 508, 590, 594, 596})


class UnsafeAmiValue(ValueError):
    """A header name or value that must never be written to AMI."""


class InvalidNumber(UnsafeAmiValue):
    """A phone number that is not a valid E.164 number."""


HeaderValue = str | list[str]


def check_name(name: str) -> str:
    if not isinstance(name, str) or _HEADER_NAME.fullmatch(name) is None:
        raise UnsafeAmiValue(f"unsafe AMI header name: {name!r}")
    return name


def check_value(name: str, value: str) -> str:
    if not isinstance(value, str):
        raise UnsafeAmiValue(f"AMI header {name} must be text, got {type(value).__name__}")
    if _FORBIDDEN.search(value) is not None:
        raise UnsafeAmiValue(f"AMI header {name} contains a line break or NUL")
    if len(name) + 2 + len(value.encode("utf-8")) > MAX_LINE_BYTES:
        raise UnsafeAmiValue(f"AMI header {name} is longer than {MAX_LINE_BYTES} bytes")
    return value


def check_headers(headers: Mapping[str, HeaderValue]) -> None:
    """Raise UnsafeAmiValue unless every header line of this action is safe."""
    for name, value in headers.items():
        check_name(name)
        values: Iterable[str] = value if isinstance(value, list | tuple) else (value,)
        for item in values:
            check_value(name, item)


def variable(name: str, value: str) -> str:
    """One ``Variable:`` entry (``NAME=value``) for Originate.

    Asterisk splits a Variable header on commas (``A=1,B=2``), so a comma in
    the value would set a second variable of the caller's choosing.
    """
    if "," in value:
        raise UnsafeAmiValue(f"channel variable {name} contains a comma")
    return check_value("Variable", f"{check_variable_name(name)}={value}")


def check_variable_name(name: str) -> str:
    if _VARIABLE_NAME.fullmatch(name) is None:
        raise UnsafeAmiValue(f"unsafe channel variable name: {name!r}")
    return name


# What [dialer-connect-amd] may do with an answering machine (extensions.conf checks
# MACHINE_ACTION against the same two words and hangs up on anything else).
MACHINE_ACTIONS = frozenset({"hangup", "message"})


def check_machine_action(action: str) -> str:
    if action not in MACHINE_ACTIONS:
        raise UnsafeAmiValue(f"unknown answering-machine action: {action!r}")
    return action


def check_e164(number: str) -> str:
    if not isinstance(number, str) or _E164.fullmatch(number) is None:
        raise InvalidNumber(f"not an E.164 number (+ and 8 to 15 digits): {number!r}")
    return number


def national_form(e164: str) -> str:
    """+33612345678 -> 0612345678, +590690123456 -> 0690123456."""
    check_e164(e164)
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException as exc:
        raise InvalidNumber(f"unparsable number {e164!r}: {exc}") from exc
    if parsed.country_code not in _FRENCH_PLAN_CODES:
        raise InvalidNumber(f"{e164} is not in the French numbering plan")
    return "0" + phonenumbers.national_significant_number(parsed)


@dataclass(frozen=True)
class DialTemplate:
    """A dial string pattern such as ``PJSIP/{e164}@trunk`` or ``Local/{national}@outbound``.

    ``trunk`` names the rate-limit bucket; by default it is the pattern itself.
    """

    pattern: str
    trunk: str = ""

    def __post_init__(self) -> None:
        used = [p for p in _PLACEHOLDERS if p in self.pattern]
        if len(used) != 1 or self.pattern.count(used[0]) != 1:
            raise UnsafeAmiValue(
                f"dial template needs one {{e164}} or {{national}}: {self.pattern!r}"
            )
        text = self.pattern.replace(used[0], "")
        if _TEMPLATE_TEXT.fullmatch(text) is None or "/" not in text:
            raise UnsafeAmiValue(f"unsafe dial template: {self.pattern!r}")
        if not self.trunk:
            object.__setattr__(self, "trunk", self.pattern)

    def build(self, e164: str) -> str:
        check_e164(e164)
        if "{national}" in self.pattern:
            return self.pattern.replace("{national}", national_form(e164))
        return self.pattern.replace("{e164}", e164)


# An agent's phone as the PBX knows it: a bare endpoint name (``901``) that the
# agent template turns into a dial string, or a whole dial string of one of the
# two shapes the dialplan accepts (extensions.conf checks AGENT with the same
# grammar before it dials). No space, comma or ``&``: each would let one value
# ring a second channel of the writer's choosing.
_AGENT_ENDPOINT = re.compile(r"[A-Za-z0-9_.+-]{1,40}")
_AGENT_DIAL = re.compile(
    r"PJSIP/[A-Za-z0-9_.+-]{1,40}|Local/[A-Za-z0-9_.+-]{1,40}@[A-Za-z0-9_.-]{1,40}(/n)?"
)
AGENT_PLACEHOLDER = "{agent}"


class UnsafeAgentLine(UnsafeAmiValue):
    """An agent endpoint or dial string the dialer must never send."""


def check_agent_dial(dial_string: str) -> str:
    """A whole agent dial string: ``PJSIP/<endpoint>`` or ``Local/<exten>@<context>[/n]``."""
    if not isinstance(dial_string, str) or _AGENT_DIAL.fullmatch(dial_string) is None:
        raise UnsafeAgentLine(f"unsafe agent dial string: {dial_string!r}")
    return dial_string


def check_agent_endpoint(endpoint: str) -> str:
    """What an account may carry: an endpoint name or a whole agent dial string."""
    if not isinstance(endpoint, str):
        raise UnsafeAgentLine(f"agent endpoint must be text: {endpoint!r}")
    if "/" in endpoint:
        return check_agent_dial(endpoint)
    if _AGENT_ENDPOINT.fullmatch(endpoint) is None:
        raise UnsafeAgentLine(f"unsafe agent endpoint: {endpoint!r}")
    return endpoint


@dataclass(frozen=True)
class AgentTemplate:
    """How an agent's endpoint becomes a dial string: ``PJSIP/{agent}``, ``Local/{agent}@ctx``."""

    pattern: str

    def __post_init__(self) -> None:
        if self.pattern.count(AGENT_PLACEHOLDER) != 1:
            raise UnsafeAgentLine(f"agent template needs one {{agent}}: {self.pattern!r}")
        check_agent_dial(self.pattern.replace(AGENT_PLACEHOLDER, "901"))

    def build(self, endpoint: str) -> str:
        """The dial string of an agent's phone; a whole dial string is taken as it is."""
        check_agent_endpoint(endpoint)
        if "/" in endpoint:
            return endpoint
        return check_agent_dial(self.pattern.replace(AGENT_PLACEHOLDER, endpoint))
