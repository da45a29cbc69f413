"""A small reader of Asterisk's .conf files, enough to check ours without Asterisk.

Handles ``[name](template,!)`` headers, ``key = value`` and ``key => value``
lines, ``;`` comments (``\\;`` is a literal semicolon), ``#include`` relative
to the including file, and the dialplan's ``exten =>`` / ``same =>`` lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_HEADER = re.compile(r"^\[([^\]]+)\](?:\(([^)]*)\))?\s*$")
_APP = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\((.*)\)$", re.DOTALL)
_APP_BARE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)$")
# ${NAME} or ${NAME:offset}: a variable. ${NAME(...)} is a function call.
VARIABLE_READ = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?=[}:])")
FUNCTION_CALL = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)\(")


@dataclass
class Section:
    name: str
    is_template: bool = False
    templates: tuple[str, ...] = ()
    options: list[tuple[str, str]] = field(default_factory=list)
    source: str = ""

    def all(self, key: str) -> list[str]:
        return [value for name, value in self.options if name == key]

    def get(self, key: str) -> str | None:
        values = self.all(key)
        return values[-1] if values else None


@dataclass(frozen=True)
class Priority:
    context: str
    exten: str
    number: int
    label: str
    app: str
    args: str
    index: int  # position among the context's options, for error messages


def strip_comment(line: str) -> str:
    out, i = [], 0
    while i < len(line):
        if line[i] == "\\" and i + 1 < len(line) and line[i + 1] == ";":
            out.append(";")
            i += 2
            continue
        if line[i] == ";":
            break
        out.append(line[i])
        i += 1
    return "".join(out).strip()


def parse_file(path: Path) -> list[Section]:
    sections: list[Section] = []
    _parse_into(path, sections)
    return sections


def _parse_into(path: Path, sections: list[Section]) -> None:
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = strip_comment(raw)
        if not line:
            continue
        if line.startswith("#include"):
            _parse_into(path.parent / line.split(None, 1)[1].strip('"<> '), sections)
            continue
        header = _HEADER.match(line)
        if header:
            opts = [o.strip() for o in (header.group(2) or "").split(",") if o.strip()]
            sections.append(
                Section(
                    header.group(1).strip(),
                    is_template="!" in opts,
                    templates=tuple(o for o in opts if o != "!"),
                    source=path.name,
                )
            )
            continue
        if not sections:
            raise ValueError(f"{path.name}: option outside any section: {line!r}")
        key, sep, value = line.partition("=>") if "=>" in line else line.partition("=")
        if not sep:
            raise ValueError(f"{path.name}: not an option line: {line!r}")
        sections[-1].options.append((key.strip(), value.strip()))


def named(sections: list[Section], name: str) -> list[Section]:
    return [s for s in sections if s.name == name]


def effective(sections: list[Section], section: Section) -> dict[str, list[str]]:
    """Options of a section with its templates' options applied first."""
    merged: dict[str, list[str]] = {}
    for template_name in section.templates:
        for template in named(sections, template_name):
            if template.is_template:
                for key, values in effective(sections, template).items():
                    merged.setdefault(key, []).extend(values)
    for key, value in section.options:
        merged.setdefault(key, []).append(value)
    return merged


def objects_of_type(sections: list[Section], kind: str) -> dict[str, dict[str, list[str]]]:
    """PJSIP objects (not templates) of one ``type``, by name."""
    found = {}
    for section in sections:
        options = effective(sections, section)
        if not section.is_template and options.get("type", [""])[-1] == kind:
            found[section.name] = options
    return found


def split_top(text: str, sep: str) -> list[str]:
    """Split on ``sep`` outside brackets, braces and parentheses."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def dialplan(sections: list[Section]) -> dict[str, list[Priority]]:
    plan: dict[str, list[Priority]] = {}
    for section in sections:
        if section.name in ("general", "globals"):
            continue
        priorities = plan.setdefault(section.name, [])
        exten, number = "", 0
        for index, (key, value) in enumerate(section.options, 1):
            if key not in ("exten", "same"):
                continue
            fields = split_top(value, ",")
            if key == "exten":
                exten, fields = fields[0].strip(), fields[1:]
            prio_text, app_text = fields[0].strip(), ",".join(fields[1:]).strip()
            prio, _, label = prio_text.partition("(")
            number = number + 1 if prio == "n" else int(prio)
            app, args = parse_app(app_text)
            priorities.append(
                Priority(section.name, exten, number, label.rstrip(")"), app, args, index)
            )
    return plan


def parse_app(text: str) -> tuple[str, str]:
    match = _APP.match(text) or _APP_BARE.match(text)
    if match is None:
        raise ValueError(f"not an application call: {text!r}")
    return match.group(1), match.group(2) if match.lastindex == 2 else ""


def gotoif_targets(args: str) -> list[str]:
    """The labels of ``cond?iftrue:iffalse`` (either may be empty)."""
    parts = split_top(args, "?")
    branches = parts[-1] if len(parts) > 1 else ""
    return [b.strip() for b in split_top(branches, ":") if b.strip()]


def variables_read(text: str) -> set[str]:
    return set(VARIABLE_READ.findall(text))


def functions_called(text: str) -> set[str]:
    return set(FUNCTION_CALL.findall(text))


def function_written(set_args: str) -> str | None:
    """``CALLERID(num)=...`` in Set() writes the CALLERID function."""
    match = re.match(r"([A-Z_][A-Z0-9_]*)\(", set_args)
    return match.group(1) if match else None
