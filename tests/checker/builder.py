"""A campaign day written straight into the database and a dial log, for the checker's tests.

Rows are built with the real models (tests may import the dialer; the checker
may not), the dial log with the simulator's line format. Every call the builder
places is clean by default: a test then adds the one breach it is about.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from checker import CheckReport, check_day
from consent.models import ConsentEntry
from dialer.accounts.models import AgentPresence, User
from dialer.campaigns.attempts import CallAttempt, Outcome
from dialer.campaigns.models import Campaign
from dialer.campaigns.selection.models import LiveCallLock
from dialer.compliance.feed.models import FeedEvent
from dialer.compliance.privacy.models import AccessEntry
from dialer.contacts.funds import Fund, FundFeed
from dialer.contacts.people.models import CampaignContact, Person

# Wednesday 18 November 2026, 10:00 UTC: 11:00 in Paris, a plain working day.
MORNING = datetime(2026, 11, 18, 10, 0)
FLU_FIELDS = ["first_name", "last_name", "birth_date", "phone_e164", "flu_vaccinated"]


@dataclass
class DayBuilder:
    engine: Engine
    database_url: str
    log_path: Path
    lines: list[tuple[datetime, int, dict[str, Any]]] = field(default_factory=list)
    seqs: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.fund_id = self.fund("CPAM75", "metro", "Europe/Paris")
        self.campaign_id = self.campaign("flu_vaccination")

    def _add(self, row: Any) -> int:
        with Session(self.engine, expire_on_commit=False) as session:
            session.add(row)
            session.commit()
            return int(row.id) if hasattr(row, "id") and row.id is not None else 0

    def fund(self, code: str, territory: str, time_zone: str) -> int:
        fund = Fund(code=code, name=code, kind="CPAM", territory=territory, time_zone=time_zone)
        fund_id = self._add(fund)
        self._add(FundFeed(fund_id=fund_id))
        self.seqs[fund_id] = 0
        return fund_id

    def campaign(self, theme: str, policy: dict[str, Any] | None = None) -> int:
        audience = {"pro_online_services": "professional", "employer_offer": "employer"}
        return self._add(
            Campaign(
                code=f"C-{uuid.uuid4().hex[:8]}",
                name=theme,
                theme=theme,
                audience=audience.get(theme, "insured"),
                fund_id=self.fund_id,
                caller_id="+33180000000",
                calling_policy=policy or {},
            )
        )

    def person(
        self,
        territory: str = "metro",
        time_zone: str = "Europe/Paris",
        phone: str | None = None,
        *,
        limited: bool = False,
        nir_lookup: str | None = None,
    ) -> int:
        return self._add(
            Person(
                nir_lookup=nir_lookup,
                audience="insured",
                identity_key=uuid.uuid4().hex,
                fund_id=self.fund_id,
                last_name="Martin",
                first_name="Léa",
                phone_e164=phone or f"+3361{uuid.uuid4().int % 10**7:07d}",
                territory=territory,
                time_zone=time_zone,
                limited=limited,
            )
        )

    def agent(self, username: str = "agent1") -> int:
        return self._add(User(username=username, full_name=username, role="agent",
                              password_hash="-"))  # fmt: skip

    def held_agent(self, user_id: int, since: datetime, attempt_id: int | None = None) -> None:
        """The agent as a worker left it: held (reserved), for a call or for none."""
        with Session(self.engine) as session:
            session.add(AgentPresence(user_id=user_id, campaign_id=self.campaign_id,
                                      state="reserved", worker_id="w1", since=since,
                                      attempt_id=attempt_id))  # fmt: skip
            session.commit()

    def contact_state(
        self, person_id: int, status: str, lease_expires_at: datetime | None = None,
        campaign_id: int | None = None,
    ) -> int:  # fmt: skip
        """Set the person's place in the campaign as the dialer would have left it."""
        contact_id = self._contact(campaign_id or self.campaign_id, person_id)
        with Session(self.engine) as session:
            contact = session.get(CampaignContact, contact_id)
            assert contact is not None
            contact.status, contact.lease_expires_at = status, lease_expires_at
            contact.lease_owner = "w1" if lease_expires_at is not None else None
            session.add(contact)
            session.commit()
        return contact_id

    def _contact(self, campaign_id: int, person_id: int) -> int:
        with Session(self.engine) as session:
            found = session.query(CampaignContact).filter_by(
                campaign_id=campaign_id, person_id=person_id
            )
            existing = found.first()
            if existing is not None:
                return int(existing.id or 0)
        return self._add(CampaignContact(campaign_id=campaign_id, person_id=person_id))

    def call(
        self,
        person_id: int,
        at: datetime = MORNING,
        *,
        result: str | None = "answered",
        seconds: int = 180,
        outcome: dict[str, Any] | None = None,
        campaign_id: int | None = None,
        logged: bool = True,
        ended: bool = True,
        pop_fields: list[str] | None = None,
        answered: bool | None = None,
        agent: int | None = None,
    ) -> int:
        """One attempt as the dialer leaves it: row, dial-log lines, outcome, feed, screen pop.

        ``answered`` says whether a human answered; by default, when the result says so.
        ``agent`` is bridged to the person from the answer until the call ends.
        """
        campaign_id = campaign_id or self.campaign_id
        with Session(self.engine) as session:
            number = str(session.get(Person, person_id).phone_e164)  # type: ignore[union-attr]
        reached = result in ("answered", "abandoned") if answered is None else answered
        end = at + timedelta(seconds=seconds)
        attempt_id = self._add(
            CallAttempt(
                campaign_id=campaign_id,
                contact_id=self._contact(campaign_id, person_id),
                person_id=person_id,
                worker_id="w1",
                number_e164=number,
                state="ended" if result else "dialing",
                result=result,
                created_at=at,
                dialed_at=at,
                answered_at=at + timedelta(seconds=8) if reached else None,
                agent_user_id=agent,
                connected_at=at + timedelta(seconds=9) if agent is not None else None,
                ended_at=end if result else None,
            )
        )
        if logged:
            self.log_call(attempt_id, number, at, end if ended else None, result)
        if result == "answered":
            self.screen_pop(person_id, campaign_id, attempt_id, at, pop_fields or FLU_FIELDS)
            self.outcome(attempt_id, end, **(outcome or {"interview": "accepted"}))
        return attempt_id

    def lock(self, attempt_id: int, key: str, expires_at: datetime) -> None:
        """A live-call lock of the attempt, as a claim takes it."""
        with Session(self.engine) as session:
            attempt = session.get(CallAttempt, attempt_id)
            assert attempt is not None
            keys = (attempt.contact_id, attempt.campaign_id)
        lock = LiveCallLock(key=key, attempt_id=attempt_id, contact_id=keys[0],
                            campaign_id=keys[1], worker_id="w1", expires_at=expires_at)  # fmt: skip
        self._add(lock)

    def set_ended(self, attempt_id: int, at: datetime) -> None:
        """The end as the dialer recorded it, which may differ from the PBX's (an outage)."""
        with Session(self.engine) as session:
            attempt = session.get(CallAttempt, attempt_id)
            assert attempt is not None
            attempt.ended_at = at
            session.add(attempt)
            session.commit()

    def log_call(
        self, attempt_id: int, number: str, at: datetime, end: datetime | None, result: str | None
    ) -> None:
        channel = f"dialer-{attempt_id}"
        dial = {
            "kind": "dial",
            "at": f"{at.isoformat()}+00:00",
            "action_id": f"orig-{channel}-1",
            "channel_id": channel,
            "dial_string": f"PJSIP/{number}@carrier",
            "number": number,
            "variables": {"ATTEMPT_ID": str(attempt_id), "AGENT": "", "ABANDON_MS": "2000"},
        }
        self.lines.append((at, len(self.lines), dial))
        if end is not None:
            closing = {"kind": "end", "at": f"{end.isoformat()}+00:00", "channel_id": channel,
                       "number": number, "result": result, "cause": 16}  # fmt: skip
            self.lines.append((end, len(self.lines), closing))

    def screen_pop(
        self, person_id: int, campaign_id: int, attempt_id: int, at: datetime, fields: list[str]
    ) -> int:
        return self._add(
            AccessEntry(
                at=at + timedelta(seconds=9),
                actor="agent1",
                actor_role="agent",
                action="screen_pop",
                person_id=person_id,
                fields=fields,
                campaign_id=campaign_id,
                attempt_id=attempt_id,
                prev_hash="0" * 64,
                entry_hash=uuid.uuid4().hex * 2,
            )
        )

    def outcome(self, attempt_id: int, at: datetime, *, feed: bool = True, **values: Any) -> int:
        with Session(self.engine) as session:
            attempt = session.get(CallAttempt, attempt_id)
            assert attempt is not None
            keys = (attempt.contact_id, attempt.campaign_id, attempt.person_id)
        outcome_id = self._add(
            Outcome(
                attempt_id=attempt_id,
                contact_id=keys[0],
                campaign_id=keys[1],
                person_id=keys[2],
                created_at=at,
                **values,
            )
        )
        if feed:
            self.feed_event(outcome_id, keys[2])
        return outcome_id

    def feed_event(self, outcome_id: int | None, person_id: int, seq: int | None = None) -> None:
        self.seqs[self.fund_id] += 1
        self._add(
            FeedEvent(
                fund_id=self.fund_id,
                seq=seq or self.seqs[self.fund_id],
                event_id=str(uuid.uuid4()),
                kind="interview_accepted",
                campaign_id=self.campaign_id,
                outcome_id=outcome_id,
                person_id=person_id,
            )
        )

    def consent(self, person_id: int, decision: str, at: datetime) -> None:
        entry = ConsentEntry(person_id=person_id, channel="call", decision=decision,
                             source="fund_file", author="caisse", at=at)  # fmt: skip
        self._add(entry)

    def rights_trail(self, person_id: int, at: datetime, detail: str) -> None:
        self._add(
            AccessEntry(at=at, actor="dpo", actor_role="dpo", action="rights_request",
                        person_id=person_id, fields=["limited"], detail=detail,
                        prev_hash="0" * 64, entry_hash=uuid.uuid4().hex * 2)
        )  # fmt: skip

    def write_log(self) -> Path:
        # The PBX appends each line when it happens: dial and end lines interleave in time.
        ordered = sorted(self.lines, key=lambda item: (item[0], item[1]))
        self.log_path.write_text("".join(json.dumps(line) + "\n" for _, _, line in ordered))
        return self.log_path

    def check(self, since: datetime | None = None) -> CheckReport:
        self.write_log()
        return self.check_existing_log(since)

    def check_existing_log(self, since: datetime | None = None) -> CheckReport:
        """Check against the log file as it stands (a test may have appended to it)."""
        with Session(self.engine) as session:
            for fund_id, last in self.seqs.items():
                cursor = session.get(FundFeed, fund_id)
                assert cursor is not None
                cursor.last_seq = last
                session.add(cursor)
            session.commit()
        return check_day(self.database_url, self.log_path, since=since)


def rules_of(report: CheckReport) -> list[str]:
    return [breach.rule for breach in report.breaches]
