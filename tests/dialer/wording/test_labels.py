"""Every code a person may read has its French label, and an unknown one shows as such."""

from __future__ import annotations

import logging
from enum import StrEnum

import pytest

from consent.vocabulary import Channel, Decision, Source
from dialer.accounts.roles import Role
from dialer.campaigns.eligibility.facts import BlockCode
from dialer.campaigns.importing.models import ImportStatus
from dialer.campaigns.models import CampaignStatus, MachineHandling
from dialer.campaigns.policies import PacingMode
from dialer.campaigns.supervision import DestinationKind
from dialer.campaigns.waves.cohort import Cohort
from dialer.campaigns.waves.states import WaveStatus
from dialer.compliance.feed.kinds import EventKind
from dialer.compliance.privacy.register_rules import Channel as RequestChannel
from dialer.compliance.privacy.register_rules import RequestKind, RequestStatus, StepKind
from dialer.compliance.privacy.trail import TrailAction
from dialer.contacts.people.models import ContactStatus
from dialer.contacts.territories import Territory
from dialer.contacts.themes import PERSON_FIELDS, THEMES, Audience
from dialer.engine.agents.states import AgentState
from dialer.wording import Kind, choices, is_known, label, missing_marker
from telephony.results import CallResult

ENUMS: dict[Kind, type[StrEnum]] = {
    Kind.OUTCOME: EventKind,
    Kind.TERRITORY: Territory,
    Kind.AUDIENCE: Audience,
    Kind.CONSENT_DECISION: Decision,
    Kind.CONSENT_CHANNEL: Channel,
    Kind.CONSENT_SOURCE: Source,
    Kind.ROLE: Role,
    Kind.CALL_RESULT: CallResult,
    Kind.CAMPAIGN_STATUS: CampaignStatus,
    Kind.WAVE_STATUS: WaveStatus,
    Kind.IMPORT_STATUS: ImportStatus,
    Kind.CONTACT_STATUS: ContactStatus,
    Kind.TRAIL_ACTION: TrailAction,
    Kind.PACING: PacingMode,
    Kind.COHORT: Cohort,
    Kind.AGENT_STATE: AgentState,
    Kind.CAMPAIGN_STATE: CampaignStatus,
    Kind.MACHINE_HANDLING: MachineHandling,
    Kind.BLOCK: BlockCode,
    Kind.DESTINATION: DestinationKind,
    Kind.REQUEST_KIND: RequestKind,
    Kind.REQUEST_CHANNEL: RequestChannel,
    Kind.REQUEST_STATUS: RequestStatus,
    Kind.REQUEST_STEP: StepKind,
}


@pytest.mark.parametrize("kind", list(ENUMS), ids=str)
def test_every_member_of_the_enum_has_a_label_and_nothing_else_does(kind: Kind) -> None:
    assert set(choices(kind)) == {member.value for member in ENUMS[kind]}


def test_every_actor_the_trail_records_is_named_on_pages_and_in_letters() -> None:
    actors = {role.value for role in Role} | {"fund", "system"}  # fund_wiring, retention
    assert set(choices(Kind.ACTOR_ROLE)) == actors == set(choices(Kind.ACTOR))
    assert label(Kind.ACTOR_ROLE, "fund") == "Caisse"


def test_every_field_of_every_theme_has_its_label() -> None:
    names = {
        spec.name
        for specs in (*PERSON_FIELDS.values(), *(theme.fields for theme in THEMES.values()))
        for spec in specs
    }
    assert all(is_known(Kind.FIELD, name) for name in names)
    assert label(Kind.FIELD, "phone2_e164") == "Téléphone 2"
    assert label(Kind.FIELD, "address_line") == "Adresse"


def test_every_name_the_trail_records_has_its_label() -> None:
    from dialer.compliance.privacy import retention
    from dialer.compliance.privacy.anonymise import PERSONAL_COLUMNS
    from web.desk.panel import HISTORY_FIELD

    recorded = {
        *PERSONAL_COLUMNS, *retention._CLEARED_ELSEWHERE, retention.RetentionPolicy().code_field,
        HISTORY_FIELD, "feed_events", "reject_report",  # web/fund_wiring.py, web/imports
    }  # fmt: skip
    assert [name for name in sorted(recorded) if not is_known(Kind.FIELD, name)] == []


def test_labels_agree_with_their_noun() -> None:
    assert label(Kind.OFFER, "accepted") == "offre acceptée"
    assert label(Kind.INTERVIEW, "accepted") == "entretien accepté"
    assert label(Kind.OUTCOME, EventKind.OFFER_ACCEPTED) == "Offre acceptée"


def test_a_label_never_shows_the_code_it_names() -> None:
    raw = [
        (kind, code)
        for kind in Kind
        for code, text in choices(kind).items()
        if "_" in code and code in text
    ]
    assert raw == []


def test_an_unknown_code_is_shown_flagged_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="dialer.wording.labels"):
        shown = label(Kind.OUTCOME, "teleported")
    assert shown == f"teleported {missing_marker()}"
    assert "teleported" in caplog.text
    assert not is_known(Kind.OUTCOME, "teleported")


def test_the_vocabulary_cannot_be_changed_by_a_caller() -> None:
    with pytest.raises(TypeError):
        choices(Kind.ROLE)["agent"] = "Autre"  # type: ignore[index]


def test_every_reason_a_contact_is_done_for_has_its_label() -> None:
    # Stored by dialer.engine.calling.outcomes and .rescheduling, and by the purge: the
    # contact list once showed « Terminé (offer_accepted) » for want of these labels.
    from dialer.engine.calling.rescheduling import INVALID_NUMBER, RETRIES_EXHAUSTED, WRONG_PERSON

    stored = {
        INVALID_NUMBER, RETRIES_EXHAUSTED, WRONG_PERSON, "purged",
        "interview_refused", "offer_accepted", "offer_refused", "offer_answered",
    }  # fmt: skip
    assert [code for code in sorted(stored) if not is_known(Kind.DONE_REASON, code)] == []
    assert label(Kind.DONE_REASON, "offer_accepted") == "offre acceptée"
    # The contact's explanation says the same reasons in a sentence: one for each.
    assert set(choices(Kind.DONE_EXPLANATION)) == set(choices(Kind.DONE_REASON))


def test_every_retry_rule_row_has_its_label() -> None:
    from dialer.campaigns.retry_rules import REASONS_FR

    assert set(REASONS_FR) == set(choices(Kind.RETRY_REASON))
    counted = set(CallResult) - {CallResult.ANSWERED}
    assert counted <= set(choices(Kind.RETRY_REASON))
