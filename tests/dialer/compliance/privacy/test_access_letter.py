"""The access letter reads as plain French: local times, labels, national numbers; and as a PDF."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from dialer.compliance.privacy.access_letter import access_letter, access_report_text_fr
from dialer.compliance.privacy.letter_pdf import letter_pdf
from tests.dialer.compliance.privacy.letter_sample import sample_report

ISO_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
CODES = re.compile(r"\b[a-z]+_[a-z_0-9]+\b|\+33\d|\b(?:metro|insured|opt_out|answered)\b")


def test_times_are_the_persons_local_time_not_utc() -> None:
    letter = access_report_text_fr(sample_report())
    assert "Établie le 06/12/2026 à 10:15" in letter  # 09:15 UTC, winter in Paris
    assert "Appel du 05/03/2026 à 03:04 au 01 06 36 08 37 : appel abouti" in letter
    assert "UTC" not in letter and not ISO_UTC.search(letter)
    reunion = access_report_text_fr(sample_report("reunion"))
    assert "Appel du 05/03/2026 à 06:04" in reunion  # UTC+4
    assert "Les heures sont celles de votre territoire (La Réunion)." in reunion


def test_codes_read_as_french_with_agreement() -> None:
    letter = access_report_text_fr(sample_report())
    assert "entretien accepté, offre acceptée" in letter
    assert "Territoire : France métropolitaine" in letter
    assert "Catégorie : Assuré(e)" in letter
    assert "Date de naissance : 14/07/1985" in letter
    assert "Téléphone 2 : 0692 12 34 56" in letter
    assert "nouvelle coordonnée (téléphone 2) : 06 12 34 56 78" in letter
    assert "Refus pour les SMS" in letter
    assert "Entretien accepté (destinataire : CPAM de Paris)" in letter
    assert "par un conseiller du centre d'appels (nom, téléphone 2, " in letter
    assert CODES.findall(letter) == []
    assert "offre accepté," not in letter


def test_the_pdf_holds_the_same_letter() -> None:
    report = sample_report()
    pdf = letter_pdf(access_letter(report))
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    flat = " ".join(text.split())
    for expected in (
        "Réponse à votre demande d'accès à vos données personnelles",
        "Établie le 06/12/2026 à 10:15",
        "Nom : Martin",
        "Appel du 05/03/2026 à 03:04 au 01 06 36 08 37 : appel abouti",
        "entretien accepté, offre acceptée",
        "Refus pour les SMS",
        "CNIL (TSA 80715, 75334 Paris Cedex 07)",
    ):
        assert " ".join(expected.split()) in flat, expected
    assert reader.metadata is not None and reader.metadata.title == report_title()


def report_title() -> str:
    return access_letter(sample_report()).title
