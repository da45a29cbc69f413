"""The retry rule applied to a contact after a call result (pure)."""

from __future__ import annotations

from datetime import datetime, timedelta

from dialer.campaigns.policies import CallingPolicy, RetryPolicy
from dialer.engine.calling.rescheduling import after_call_result, retry_or_finish
from telephony.results import CallResult

NOW = datetime(2026, 3, 2, 10, 0)
CALLING = CallingPolicy()
RETRY = RetryPolicy()


def test_busy_is_retried_after_its_delay_then_finished() -> None:
    progress = after_call_result(CallResult.BUSY, {}, 1, CALLING, RETRY, NOW)
    assert progress is not None
    assert (progress.status, progress.next_attempt_at) == ("pending", NOW + timedelta(minutes=20))
    assert progress.retry_counts == {"busy": 1}
    spent = after_call_result(CallResult.BUSY, {"busy": 3}, 4, CALLING, RETRY, NOW)
    assert spent is not None
    assert (spent.status, spent.done_reason) == ("done", "retries_exhausted")


def test_no_answer_waits_longer_each_time() -> None:
    second = after_call_result(CallResult.NO_ANSWER, {"no_answer": 1}, 2, CALLING, RETRY, NOW)
    assert second is not None and second.next_attempt_at == NOW + timedelta(minutes=180)


def test_invalid_number_finishes_and_answered_waits_for_the_agent() -> None:
    invalid = after_call_result(CallResult.INVALID_NUMBER, {}, 1, CALLING, RETRY, NOW)
    assert invalid is not None and (invalid.status, invalid.done_reason) == (
        "done",
        "invalid_number",
    )
    assert after_call_result(CallResult.ANSWERED, {}, 1, CALLING, RETRY, NOW) is None


def test_last_allowed_attempt_finishes_the_contact() -> None:
    calling = CallingPolicy(max_attempts=2)
    progress = after_call_result(CallResult.BUSY, {"busy": 1}, 2, calling, RETRY, NOW)
    assert progress is not None and progress.done_reason == "retries_exhausted"


def test_callback_keeps_the_asked_time() -> None:
    asked = NOW + timedelta(days=1)
    progress = retry_or_finish("callback", {}, RETRY, NOW, asked)
    assert (progress.status, progress.callback_at, progress.next_attempt_at) == (
        "pending", asked, None,
    )  # fmt: skip


def test_a_network_failure_spends_no_retry_and_no_attempt() -> None:
    # The last allowed attempt failing on our own trunk must not finish the contact.
    calling = CallingPolicy(max_attempts=2)
    progress = after_call_result(CallResult.NETWORK_FAILURE, {"busy": 1}, 2, calling, RETRY, NOW)
    assert progress is not None
    assert (progress.status, progress.done_reason) == ("pending", None)
    assert progress.next_attempt_at == NOW + timedelta(minutes=10)
    assert progress.retry_counts == {"busy": 1} and progress.uncounted
    for _ in range(50):
        again = after_call_result(CallResult.NETWORK_FAILURE, {}, 1, calling, RETRY, NOW)
        assert again is not None and again.status == "pending"
