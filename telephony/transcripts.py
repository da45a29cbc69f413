"""Reader for the AMI wire transcripts recorded from a real Asterisk.

Used by the simulator's conformance tests and by the adapter's replay tests.
Format: ``>>> ms line`` (client), ``<<< ms line`` (Asterisk); an empty payload
ends a message; ``[connection closed by Asterisk]`` marks the socket closing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

CLOSED_MARK = "[connection closed by Asterisk]"


@dataclass
class WireMessage:
    direction: str  # ">>>" client to server, "<<<" server to client
    at_ms: int
    lines: list[str] = field(default_factory=list)

    @property
    def headers(self) -> list[tuple[str, str]]:
        pairs = []
        for line in self.lines:
            name, _, value = line.partition(":")
            pairs.append((name, value[1:] if value.startswith(" ") else value))
        return pairs

    def get(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    @property
    def is_banner(self) -> bool:
        return len(self.lines) == 1 and self.lines[0].startswith("Asterisk Call Manager/")

    @property
    def is_event(self) -> bool:
        return bool(self.lines) and self.lines[0].startswith("Event:")


@dataclass
class Transcript:
    name: str
    title: str
    messages: list[WireMessage]
    closed_by_server: bool

    def sent(self) -> list[WireMessage]:
        return [m for m in self.messages if m.direction == ">>>"]

    def received(self) -> list[WireMessage]:
        return [m for m in self.messages if m.direction == "<<<"]

    def events(self, name: str | None = None) -> list[WireMessage]:
        return [
            m for m in self.received() if m.is_event and (name is None or m.get("Event") == name)
        ]


def parse_transcript(text: str, name: str = "") -> Transcript:
    lines = text.splitlines()
    title = lines[0].lstrip("# ").strip() if lines and lines[0].startswith("#") else ""
    messages: list[WireMessage] = []
    open_by_dir: dict[str, WireMessage] = {}
    closed = False
    for raw in lines[1 if title else 0 :]:
        direction, _, rest = raw.partition(" ")
        at, _, payload = rest.partition(" ")
        if direction not in (">>>", "<<<"):
            continue
        if payload == CLOSED_MARK:
            closed = True
            continue
        current = open_by_dir.get(direction)
        if payload == "":
            if current is not None:
                messages.append(current)
                del open_by_dir[direction]
            continue
        if payload.startswith("Asterisk Call Manager/") and current is None:
            messages.append(WireMessage(direction, int(at), [payload]))
            continue
        if current is None:
            current = open_by_dir[direction] = WireMessage(direction, int(at))
        current.lines.append(payload)
    messages.extend(open_by_dir.values())
    return Transcript(name=name, title=title, messages=messages, closed_by_server=closed)


def load_transcript(path: Path) -> Transcript:
    return parse_transcript(path.read_text(encoding="utf-8"), name=path.stem)


def transcripts_dir(start: Path | None = None) -> Path:
    """Find ``shared/ami-transcripts`` beside the checkout (``../shared``)."""
    here = (start or Path(__file__)).resolve()
    for parent in here.parents:
        candidate = parent.parent / "shared" / "ami-transcripts"
        if candidate.is_dir():
            return candidate
        candidate = parent / "shared" / "ami-transcripts"
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("../shared/ami-transcripts not found beside the checkout")


def load_all(directory: Path | None = None) -> dict[str, Transcript]:
    folder = directory or transcripts_dir()
    return {p.stem: load_transcript(p) for p in sorted(folder.glob("*.ami"))}
