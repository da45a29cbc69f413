"""What the project's Asterisk configuration declares: endpoints, contexts, extensions.

The simulator reads ``asterisk/pjsip.conf`` and ``asterisk/extensions*.conf`` so it
refuses what Asterisk would refuse with the same files: a ``PJSIP/`` dial string
naming an endpoint that does not exist, or a ``Local/`` one whose extension no
context matches. Without this, a dial string invented by the dialer (an agent
``90001`` while the PBX declares 901-905) worked on the simulator and failed on
the real PBX.

Only what decides existence is read: section names and types (with templates),
``exten =>`` patterns, ``include =>`` and ``#include``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

# The project's own configuration, beside the packages.
PROJECT_ASTERISK_DIR = Path(__file__).resolve().parents[2] / "asterisk"
_SECTION = re.compile(r"^\[([^\]]+)\](?:\(([^)]*)\))?")
_NOT_CONTEXTS = frozenset({"general", "globals"})


@dataclass(frozen=True)
class Extension:
    """One ``exten =>`` name: a literal (``s``, ``0611000001``) or a ``_`` pattern."""

    name: str

    def matches(self, exten: str) -> bool:
        if not self.name.startswith("_"):
            return exten == self.name
        return _pattern(self.name).fullmatch(exten) is not None


@cache
def _pattern(name: str) -> re.Pattern[str]:
    """Asterisk's extension pattern language as a regular expression."""
    out, i, body = [], 0, name[1:]
    while i < len(body):
        char = body[i]
        if char == "[":
            end = body.index("]", i)
            out.append("[" + body[i + 1 : end].replace("\\", "\\\\") + "]")
            i = end + 1
            continue
        out.append(_PATTERN_CHARS.get(char.upper(), re.escape(char)))
        i += 1
    return re.compile("".join(out))


_PATTERN_CHARS = {"X": "[0-9]", "Z": "[1-9]", "N": "[2-9]", ".": ".+", "!": ".*"}


@dataclass
class PbxPlan:
    """The endpoints and dialplan contexts a PBX configured with these files has."""

    endpoints: set[str] = field(default_factory=set)
    contexts: dict[str, list[Extension]] = field(default_factory=dict)
    includes: dict[str, list[str]] = field(default_factory=dict)
    # [globals]: values the dialplan substitutes into what Newexten shows (AppData).
    globals: dict[str, str] = field(default_factory=dict)
    # The NoOp text of priority 1 of literal extensions, by (context, extension):
    # what Newexten shows when a simulated person's dialplan starts.
    noops: dict[tuple[str, str], str] = field(default_factory=dict)

    def has_endpoint(self, name: str) -> bool:
        return name in self.endpoints

    def has_context(self, context: str) -> bool:
        return context in self.contexts

    def has_extension(self, context: str, exten: str, _seen: frozenset[str] = frozenset()) -> bool:
        """Whether ``exten@context`` runs something (directly or through ``include =>``)."""
        if context in _seen or context not in self.contexts:
            return False
        if any(e.matches(exten) for e in self.contexts[context]):
            return True
        seen = _seen | {context}
        return any(self.has_extension(i, exten, seen) for i in self.includes.get(context, []))

    def first_noop(self, context: str, exten: str) -> str:
        return self.noops.get((context, exten), "")

    def extensions_of(self, context: str) -> list[str]:
        return [e.name for e in self.contexts.get(context, [])]


def load_plan(directory: Path = PROJECT_ASTERISK_DIR) -> PbxPlan:
    """The plan of ``pjsip.conf`` and ``extensions.conf`` (with its includes) in a folder."""
    plan = PbxPlan()
    pjsip = directory / "pjsip.conf"
    if pjsip.exists():
        plan.endpoints = _endpoints(pjsip.read_text(encoding="utf-8"))
    extensions = directory / "extensions.conf"
    if extensions.exists():
        _read_dialplan(extensions, plan, set())
    return plan


@cache
def project_plan() -> PbxPlan:
    return load_plan()


def _lines(text: str) -> Iterator[str]:
    for raw in text.splitlines():
        line = raw.split(";", 1)[0].strip()
        if line:
            yield line


def _endpoints(text: str) -> set[str]:
    """Sections of ``type = endpoint``, their type possibly inherited from templates."""
    types: dict[str, str] = {}
    sections: list[tuple[str, list[str], bool]] = []
    current: tuple[str, list[str], bool] | None = None
    own_type: dict[int, str] = {}
    for line in _lines(text):
        match = _SECTION.match(line)
        if match:
            options = [o.strip() for o in (match.group(2) or "").split(",") if o.strip()]
            current = (match.group(1), [o for o in options if o != "!"], "!" in options)
            sections.append(current)
            continue
        key, _, value = line.partition("=")
        if current is not None and key.strip() == "type":
            own_type[len(sections) - 1] = value.strip()
    endpoints: set[str] = set()
    for index, (name, parents, is_template) in enumerate(sections):
        kind = own_type.get(index) or next((types[p] for p in parents if p in types), "")
        if is_template:
            types[name] = kind
        elif kind == "endpoint":
            endpoints.add(name)
    return endpoints


def _read_dialplan(path: Path, plan: PbxPlan, seen: set[Path]) -> None:
    if path in seen or not path.exists():
        return
    seen.add(path)
    section = ""
    for line in _lines(path.read_text(encoding="utf-8")):
        if line.startswith("#include"):
            _read_dialplan(path.parent / line.split(None, 1)[1].strip('"'), plan, seen)
            continue
        match = _SECTION.match(line)
        if match:
            section = match.group(1)
            if section not in _NOT_CONTEXTS:
                plan.contexts.setdefault(section, [])
        elif section == "globals":
            name, _, value = line.partition("=")
            plan.globals[name.strip()] = value.strip()
        elif section in plan.contexts:
            _read_context_line(line, section, plan)


def _read_context_line(line: str, context: str, plan: PbxPlan) -> None:
    key, _, value = line.partition("=>")
    if key.strip() == "exten":
        name, priority, step = ([*(p.strip() for p in value.split(",", 2)), "", ""])[:3]
        if name not in plan.extensions_of(context):
            plan.contexts[context].append(Extension(name))
        if priority == "1" and step.startswith("NoOp(") and step.endswith(")"):
            plan.noops[(context, name)] = step[len("NoOp(") : -1]
    elif key.strip() == "include":
        plan.includes.setdefault(context, []).append(value.strip())
