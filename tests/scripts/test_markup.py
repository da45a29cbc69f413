"""The markup filter (nh3) against known bypasses: each is neutralised on the desk."""

from __future__ import annotations

import pytest

from scripts.markup import removed_markup, sanitise
from scripts.render import render_script

BYPASSES = [
    '<img src=x onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    "<svg><script>alert(1)</script></svg>",
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="&#106;&#97;vascript:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<p style="width:expression(alert(1))">x</p>',
    "<style>*{background:url(javascript:alert(1))}</style>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<details open ontoggle="alert(1)">x</details>',
    "<scr<script>ipt>alert(1)</script>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<object data="javascript:alert(1)"></object>',
    "<sc{{ '' }}ript>alert(1)</sc{{ '' }}ript>",
]
ACTIVE = ("<script", "<svg", "<iframe", "<style", "<img", "onerror", "onload", "ontoggle",
          "javascript:", "vbscript:", "data:", "expression(", "<form", "<base", "<meta",
          "<object", "<math")  # fmt: skip


@pytest.mark.parametrize("payload", BYPASSES)
def test_known_bypasses_are_neutralised_on_the_desk(payload: str) -> None:
    result = render_script(payload, {})
    assert result.ok, result.error
    shown = str(result.html).lower()
    assert not [word for word in ACTIVE if word in shown], shown


def test_plain_script_markup_is_kept_as_written() -> None:
    html = (
        '<section id="offre"><h3>Offre</h3><p class="say" data-branch="refused">« Oui »</p>'
        '<ul><li><a href="#branche-refus">Refus</a></li></ul><a href="tel:+33123456789">x</a>'
        "</section>"
    )
    assert sanitise(html) == html
    assert removed_markup(html) == []


def test_removed_markup_names_what_was_dropped() -> None:
    assert removed_markup('<p onclick="x()">a</p><script>b</script>') == [
        "<script>",
        "onclick= (p)",
    ]
