"""What becomes of a contact after a call result or an agent's outcome (pure).

The retry delays themselves are the eligibility package's (``next_attempt_after``);
this module only says which reason applies and what the contact row then holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from dialer.campaigns.eligibility import count_retry, next_attempt_after
from dialer.campaigns.policies import CallingPolicy, RetryPolicy
from dialer.contacts.people.models import ContactStatus
from telephony.results import CallResult

RETRIES_EXHAUSTED = "retries_exhausted"
INVALID_NUMBER = "invalid_number"
CALLBACK = "callback"
NETWORK_FAILURE = CallResult.NETWORK_FAILURE.value
WRONG_PERSON = "wrong_person"
MACHINE = CallResult.MACHINE.value


@dataclass(frozen=True)
class ContactProgress:
    """The columns of ``CampaignContact`` that a result or an outcome rewrites."""

    status: str
    done_reason: str | None = None
    next_attempt_at: datetime | None = None
    callback_at: datetime | None = None
    retry_counts: dict[str, int] = field(default_factory=dict)
    # The attempt says nothing of the person (our network failed): it is not counted.
    uncounted: bool = False


def retry_or_finish(
    reason: str,
    retry_counts: Mapping[str, int],
    policy: RetryPolicy,
    now: datetime,
    callback_at: datetime | None = None,
) -> ContactProgress:
    """Pending with the next retry scheduled, or done once the reason's retries are spent."""
    when = next_attempt_after(reason, retry_counts, policy, now, callback_at)
    if when is None:
        done_reason = reason if reason in (INVALID_NUMBER, WRONG_PERSON) else RETRIES_EXHAUSTED
        return ContactProgress(ContactStatus.DONE, done_reason, None, None, dict(retry_counts))
    kept_callback = when if reason == CALLBACK else None
    if reason == CALLBACK:
        # The asked time is the gate (callback_at); no extra delay stacks on top of it.
        return ContactProgress(
            ContactStatus.PENDING, None, None, kept_callback, count_retry(reason, retry_counts)
        )
    return ContactProgress(
        ContactStatus.PENDING, None, when, None, count_retry(reason, retry_counts)
    )


def after_network_failure(
    retry_counts: Mapping[str, int], retry: RetryPolicy, now: datetime
) -> ContactProgress:
    """Our trunk or PBX could not carry the call: try again later, as if never tried.

    No retry is spent and the attempt is not counted, however long the outage: a
    trunk down for a morning must not close every contact it touched.
    """
    delay = retry.rule_for(NETWORK_FAILURE).delay_minutes
    when = now + timedelta(minutes=delay)
    return ContactProgress(
        ContactStatus.PENDING, None, when, None, dict(retry_counts), uncounted=True
    )


def after_call_result(
    result: CallResult,
    retry_counts: Mapping[str, int],
    attempts: int,
    calling: CallingPolicy,
    retry: RetryPolicy,
    now: datetime,
) -> ContactProgress | None:
    """The contact after an unanswered (or unconnected) call; None when an agent has it.

    An answered call stays with the agent until the outcome is recorded. A contact
    that used its last allowed attempt is finished here rather than left pending
    for ever behind the eligibility rule that would block it.
    """
    if result is CallResult.ANSWERED:
        return None
    if result is CallResult.INVALID_NUMBER:
        return ContactProgress(ContactStatus.DONE, INVALID_NUMBER, None, None, dict(retry_counts))
    if result is CallResult.NETWORK_FAILURE:
        return after_network_failure(retry_counts, retry, now)
    progress = retry_or_finish(result.value, retry_counts, retry, now)
    if progress.status == ContactStatus.PENDING and attempts >= calling.max_attempts:
        return ContactProgress(
            ContactStatus.DONE, RETRIES_EXHAUSTED, None, None, progress.retry_counts
        )
    return progress
