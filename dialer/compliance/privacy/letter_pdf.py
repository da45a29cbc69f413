"""The access letter as a PDF, beside its text: the same ``Letter``, laid out on A4.

ReportLab (pure Python, from PyPI) draws it with the Bitstream Vera font it ships,
embedded in the file, so the letter looks the same on every machine and needs no
system library; its text can be read back (search, copy, screen readers).
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from dialer.compliance.privacy.access_letter import Letter

_FONT_DIR = Path(reportlab.__file__).parent / "fonts"
# Vera has no narrow no-break space: the ordinary no-break space keeps the same line breaks.
_UNSUPPORTED = str.maketrans({"\u202f": "\u00a0"})


@cache
def _fonts() -> tuple[str, str]:
    pdfmetrics.registerFont(TTFont("LetterSans", str(_FONT_DIR / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont("LetterSans-Bold", str(_FONT_DIR / "VeraBd.ttf")))
    return "LetterSans", "LetterSans-Bold"


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=10, leading=13)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=bold, fontSize=14, leading=18),
        "heading": ParagraphStyle(
            "heading", parent=body, fontName=bold, fontSize=11, spaceBefore=8, spaceAfter=3
        ),
        "body": body,
        "item": ParagraphStyle("item", parent=body, leftIndent=5 * mm),
        "sub": ParagraphStyle("sub", parent=body, leftIndent=10 * mm),
        "footer": ParagraphStyle("footer", parent=body, fontSize=9, alignment=TA_JUSTIFY),
    }


def _text(line: str) -> str:
    return escape(line.translate(_UNSUPPORTED))


def letter_pdf(letter: Letter) -> bytes:
    """The letter as a PDF document (bytes)."""
    styles = _styles()
    story: list[Paragraph | Spacer] = [Paragraph(_text(letter.title), styles["title"])]
    story += [Paragraph(_text(line), styles["body"]) for line in letter.preamble]
    for heading, items in letter.sections:
        story.append(Paragraph(_text(heading), styles["heading"]))
        for item in items:
            style = styles["sub"] if item.startswith("  ") else styles["item"]
            story.append(Paragraph(_text(item.strip()), style))
    story += [Spacer(1, 6 * mm), Paragraph(_text(letter.footer), styles["footer"])]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, title=letter.title, author="Délégué à la protection des données",
        leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm, bottomMargin=20 * mm,
    )  # fmt: skip
    document.build(story)
    return buffer.getvalue()
