"""Rule 8: the screen pop shows only the theme's fields, never the NIR."""

from __future__ import annotations

from datetime import timedelta

from tests.checker.builder import MORNING, DayBuilder, rules_of


def test_a_field_of_another_theme_is_a_breach(day: DayBuilder) -> None:
    person = day.person()
    dental = day.campaign("child_dental")
    fields = ["first_name", "child_first_name", "ebd_cover_end", "phone2_e164", "call_history"]
    day.call(person, campaign_id=dental, pop_fields=fields)
    assert day.check().ok
    later = MORNING + timedelta(hours=1)
    day.call(day.person(), later, pop_fields=["first_name", "flu_vaccinated", "child_age"])
    report = day.check()
    assert rules_of(report) == ["need_to_know"]
    assert "hors du thème « flu_vaccination » affichés : child_age" in report.breaches[0].detail_fr


def test_the_nir_is_never_shown(day: DayBuilder) -> None:
    ameli = day.campaign("ameli_account")
    day.call(day.person(), campaign_id=ameli, pop_fields=["last_name", "provisional_code_expiry"])
    assert day.check().ok
    day.call(day.person(), MORNING + timedelta(hours=1), campaign_id=ameli,
             pop_fields=["last_name", "nir"])  # fmt: skip
    report = day.check()
    assert rules_of(report) == ["need_to_know"]
    assert "le NIR (nir) a été affiché" in report.breaches[0].detail_fr


def test_professional_and_employer_themes_have_their_own_fields(day: DayBuilder) -> None:
    pro = day.campaign("pro_online_services")
    employer = day.campaign("employer_offer")
    day.call(
        day.person(),
        campaign_id=pro,
        pop_fields=["professional_number", "practice_software", "online_usage_rate"],
    )
    day.call(day.person(), MORNING + timedelta(hours=1), campaign_id=employer,
             pop_fields=["company_name", "siret", "local_contact_name", "city"])  # fmt: skip
    assert day.check().ok
    day.call(day.person(), MORNING + timedelta(hours=3), campaign_id=employer,
             pop_fields=["company_name", "birth_date"])  # fmt: skip
    assert rules_of(day.check()) == ["need_to_know"]
