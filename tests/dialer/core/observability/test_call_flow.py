"""A small campaign through the PBX simulator with DEBUG logging on: no personal data
in any log line, every call line names its attempt, and the metrics count the calls."""

from __future__ import annotations

import asyncio
import io
import logging
from collections import Counter

from sqlalchemy.engine import Engine

from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.models import Campaign
from dialer.contacts.people.models import CampaignContact, Person
from dialer.contacts.territories import Territory
from dialer.core.crypto import DataCipher
from dialer.core.db import session_scope
from dialer.core.observability.logging import configure_logging
from dialer.core.settings import Settings
from dialer.engine.calling.outcome_input import OutcomeInput
from tests.dialer.core.observability.conftest import ListHandler
from tests.dialer.engine.calling.conftest import (
    DeskAgent,
    FakeClock,
    add_agents,
    make_campaign,
    make_service,
    rows,
    run_until_idle,
)

SURNAMES = ["Quatremains", "Vasseur-Lonchamp", "Abgrall", "Ezvanou", "Pétrequin", "Zirnhelt"]
FIRST_NAMES = ["Zéphyrine", "Anatole", "Gwenaëlle", "Ludovic", "Séverine", "Thibaud"]


def seed_people(engine: Engine, cipher: DataCipher, campaign_id: int) -> list[str]:
    """Six people with distinctive data; returns every personal value seeded."""
    secrets: list[str] = []
    with session_scope(engine) as session:
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        for n, (last, first) in enumerate(zip(SURNAMES, FIRST_NAMES, strict=True)):
            number = f"+336{n + 1}23456{n:02d}"
            nir = f"1850{n + 1}78006084"
            email = f"{first.lower()}.{last.lower()}@exemple.fr"
            person = Person(
                audience="insured", identity_key=f"obs-{n}", fund_id=campaign.fund_id,
                nir_cipher=cipher.encrypt(nir, "nir"), last_name=last, first_name=first,
                phone_e164=number, email=email, territory=Territory.METRO.value,
                time_zone="Europe/Paris",
            )  # fmt: skip
            session.add(person)
            session.flush()
            session.add(CampaignContact(campaign_id=campaign_id, person_id=person.id or 0))
            national = "0" + number.removeprefix("+33")
            secrets += [number, number.removeprefix("+"), national, nir, email, last, first]
    return secrets


def choose(attempt_id: int) -> OutcomeInput:
    # The person gives a new number and email: they must not reach the logs either.
    changes = {"phone": "06 98 76 54 32", "email": "nouvelle.adresse@exemple.fr"}
    return OutcomeInput(interview="accepted", offer="accepted", contact_changes=changes)


async def test_call_flow_logs_nothing_personal(
    engine: Engine, cipher: DataCipher, captured: ListHandler
) -> None:
    clock = FakeClock()
    stream = io.StringIO()
    configure_logging(Settings(), level=logging.DEBUG, stream=stream)
    campaign_id = make_campaign(engine)
    secrets = seed_people(engine, cipher, campaign_id)
    secrets += ["0698765432", "+33698765432", "nouvelle.adresse@exemple.fr"]
    agents = add_agents(engine, campaign_id, 2, clock.now)
    service = make_service(engine, cipher, clock)
    await service.start(run_loop=False)
    desks = [DeskAgent(engine, service, agent, clock, choose) for agent in agents]
    tasks = [asyncio.create_task(desk.run()) for desk in desks]
    try:
        await run_until_idle(engine, service)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await service.stop()
    attempts = rows(engine, CallAttempt, CallAttempt.campaign_id == campaign_id)
    assert len(attempts) >= 6 and all(a.result for a in attempts)
    assert any(desk.recorded for desk in desks)

    written = stream.getvalue()
    # The AMI frames logged at DEBUG carried the numbers dialled: masked.
    assert "Local/[téléphone]@sim-persons" in written
    for secret in secrets:
        assert secret not in written, f"{secret!r} reached the log"
        for record in captured.records:
            assert secret not in record.getMessage() and secret not in (record.exc_text or "")

    ended = [r for r in captured.records if r.getMessage().startswith("call ended:")]
    assert {r.attempt_id for r in ended} == {a.id for a in attempts}  # type: ignore[attr-defined]
    calling = [r for r in captured.records if r.name.startswith("dialer.engine.calling")]
    assert calling and all(r.attempt_id is not None for r in calling)  # type: ignore[attr-defined]

    metrics = service.runtime.metrics.registry
    by_result = Counter(a.result for a in attempts)
    for result, count in by_result.items():
        labels = {"campaign": str(campaign_id), "result": str(result)}
        assert metrics.get_sample_value("dialer_calls_total", labels) == count
    originates = metrics.get_sample_value(
        "dialer_ami_round_trip_seconds_count", {"action": "Originate"}
    )
    assert originates == len(attempts)
    lag_count = metrics.get_sample_value("dialer_ami_event_lag_seconds_count")
    assert lag_count is not None and lag_count >= len(attempts)
