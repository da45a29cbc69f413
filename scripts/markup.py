"""The markup filter of call scripts: nh3 (the Rust ``ammonia`` sanitiser) with a short list.

A call script is text, headings, lists and links between its own sections. Whatever
else reaches the rendered HTML (a tag spelt across an expression, an entity-encoded
``javascript:``, an event attribute) is removed by a maintained HTML5 parser rather
than by patterns; the page's Content-Security-Policy stays as the second wall.
"""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import nh3
from markupsafe import Markup

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "article", "aside", "b", "blockquote", "br", "dd", "div", "dl", "dt",
        "em", "footer", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "li", "mark",
        "ol", "p", "section", "small", "span", "strong", "sub", "sup", "table", "tbody",
        "td", "tfoot", "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"*": {"class", "id", "title", "lang"}, "a": {"href"}, "td": {"colspan"}}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})


def sanitise(html: str) -> Markup:
    """``html`` with every tag, attribute and URL outside the lists removed."""
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        generic_attribute_prefixes={"data-"},
        link_rel=None,
        strip_comments=True,
    )
    # nh3's output is serialised HTML with every text escaped: safe by construction.
    return Markup(cleaned)  # noqa: S704


class _Inventory(HTMLParser):
    """Counts each element and each element's attribute, the way a browser would parse."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: Counter[str] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found[f"<{tag}>"] += 1
        for name, _value in attrs:
            self.found[f"{name}= ({tag})"] += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def _inventory(html: str) -> Counter[str]:
    parser = _Inventory()
    parser.feed(html)
    parser.close()
    return parser.found


def removed_markup(html: str) -> list[str]:
    """The elements and attributes the filter drops from ``html`` (empty: nothing)."""
    dropped = _inventory(html) - _inventory(str(sanitise(html)))
    return sorted(dropped)
