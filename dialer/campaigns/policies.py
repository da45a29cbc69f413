"""Calling and retry policies of a campaign, with the defaults of domain.md.

Stored as JSON on the campaign; every value is configurable per campaign.
"""

from __future__ import annotations

from datetime import time
from enum import StrEnum

from pydantic import BaseModel, Field, field_validator

from dialer.core.errors import DomainError


class PacingMode(StrEnum):
    """How a wave dials: the engine in dialer/engine/pacing decides the numbers for each mode."""

    PREVIEW = "preview"
    PROGRESSIVE = "progressive"
    PREDICTIVE = "predictive"


class TimeWindow(BaseModel):
    start: time
    end: time

    @field_validator("end")
    @classmethod
    def _after_start(cls, end: time, info: object) -> time:
        start = getattr(info, "data", {}).get("start")
        if start is not None and end <= start:
            raise DomainError("la fin d'une plage horaire doit suivre son début")
        return end


def _default_windows() -> list[TimeWindow]:
    return [
        TimeWindow(start=time(10, 0), end=time(13, 0)),
        TimeWindow(start=time(14, 0), end=time(20, 0)),
    ]


class CallingPolicy(BaseModel):
    """When and how often a person may be called."""

    windows: list[TimeWindow] = Field(default_factory=_default_windows)
    weekdays: list[int] = Field(default_factory=lambda: [0, 1, 2, 3, 4])  # Monday = 0
    skip_public_holidays: bool = True
    max_attempts: int = Field(default=8, ge=1, le=50)
    max_reached_per_30_days: int = Field(default=4, ge=1, le=30)
    refusal_cooldown_days: int = Field(default=60, ge=0, le=365)
    abandon_target: float = Field(default=0.03, ge=0.0, le=0.2)
    abandon_after_seconds: float = Field(default=2.0, ge=0.5, le=30.0)
    ring_timeout_seconds: int = Field(default=30, ge=5, le=120)
    wrap_up_seconds: int = Field(default=30, ge=0, le=600)


class RetryRule(BaseModel):
    """How often, and after how long, to try again after a given result."""

    max_retries: int = Field(ge=0, le=20)
    delay_minutes: float = Field(ge=0)
    multiplier: float = Field(default=1.0, ge=1.0, le=10.0)


def _default_retry_rules() -> dict[str, RetryRule]:
    return {
        "busy": RetryRule(max_retries=3, delay_minutes=20),
        "no_answer": RetryRule(max_retries=4, delay_minutes=120, multiplier=1.5),
        "congestion": RetryRule(max_retries=3, delay_minutes=15, multiplier=2.0),
        "machine": RetryRule(max_retries=2, delay_minutes=240),
        "abandoned": RetryRule(max_retries=3, delay_minutes=30),
        "ended_while_disconnected": RetryRule(max_retries=3, delay_minutes=10),
        "failed": RetryRule(max_retries=2, delay_minutes=60),
        # Our trunk or PBX failed, not the person: retried after the delay without
        # spending a retry or an attempt (max_retries is not consulted).
        "network_failure": RetryRule(max_retries=0, delay_minutes=10),
        "invalid_number": RetryRule(max_retries=0, delay_minutes=0),
        "callback": RetryRule(max_retries=3, delay_minutes=0),
        "wrong_person": RetryRule(max_retries=0, delay_minutes=0),
    }


class RetryPolicy(BaseModel):
    rules: dict[str, RetryRule] = Field(default_factory=_default_retry_rules)

    def rule_for(self, reason: str) -> RetryRule:
        return self.rules.get(reason, RetryRule(max_retries=0, delay_minutes=0))
