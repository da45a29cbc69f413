"""The scanner of person-facing outputs finds what it must: one that cannot fail is useless."""

from __future__ import annotations

from dialer.wording import Kind, label
from tests.dialer.wording.scan import leaks, visible_text


def test_it_finds_codes_utc_times_international_numbers_and_missing_labels() -> None:
    text = (
        "interview_accepted (CPAM de Paris), Territoire : metro, Téléphone : +33106360837, "
        "Établie le 2026-03-05T02:04:00Z (heure UTC) " + label(Kind.OUTCOME, "teleported")
    )
    found = leaks(text)
    assert "code « interview_accepted »" in found and "code « metro »" in found
    assert "numéro international « +33106360837 »" in found
    assert "heure ISO « 2026-03-05T02:04 »" in found and "« UTC »" in found
    assert "libellé manquant" in found


def test_french_text_passes() -> None:
    text = "Entretien accepté, offre acceptée, 05/03/2026 à 03:04, 01 06 36 08 37, Guyane"
    assert leaks(text) == []


def test_only_what_a_page_shows_is_scanned() -> None:
    html = (
        '<select><option value="screen_pop">Affichage</option></select>'
        '<script>var a = \'opt_out\';</script><pre>{"kind": "offer_accepted"}</pre>'
    )
    assert visible_text(html, {"pre"}) == "Affichage"
    assert "offer_accepted" in visible_text(html)
