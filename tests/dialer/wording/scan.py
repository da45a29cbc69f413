"""What must never reach a person: an internal code, a UTC or ISO time, an untranslated label.

``leaks(text)`` lists what it finds in a text a person reads; ``visible_text(html)``
keeps only what a page shows (no tags, attributes, scripts or styles), and leaves
out ``<code>`` and ``<pre>`` when asked, for a guide quoting a machine format.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from dialer.wording import Kind, choices, missing_marker

# Single-word codes that are English and never French prose.
_ENGLISH_WORDS = {
    "metro", "insured", "professional", "employer", "answered", "busy", "draft", "scheduled",
    "finished", "pending", "accepted", "refused", "opt_in", "opt_out", "predictive",
}  # fmt: skip
CODES = sorted(
    {code for kind in Kind for code in choices(kind) if "_" in code or code in _ENGLISH_WORDS}
    - {"consent:call"},
    key=len,
    reverse=True,
)
_CODE = re.compile(r"(?<![\w/.-])(" + "|".join(map(re.escape, CODES)) + r")(?![\w/-])")
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_UTC = re.compile(r"\bUTC\b")
_E164 = re.compile(r"\+33\d{9}\b")


def leaks(text: str) -> list[str]:
    found = [f"code « {m} »" for m in _CODE.findall(text)]
    found += [f"heure ISO « {m} »" for m in _ISO_TIME.findall(text)]
    found += ["« UTC »" for _ in _UTC.findall(text)]
    found += [f"numéro international « {m} »" for m in _E164.findall(text)]
    if missing_marker() in text:
        found.append("libellé manquant")
    return found


class _Visible(HTMLParser):
    def __init__(self, skip: set[str]) -> None:
        super().__init__()
        self.skip = {"script", "style", *skip}
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.skip:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.skip and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.parts.append(data)


def visible_text(html: str, skip: set[str] | None = None) -> str:
    parser = _Visible(skip or set())
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())
