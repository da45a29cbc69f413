"""Waves: scheduled slices of a campaign, each with its fixed cohort and pacing mode."""

from dialer.campaigns.waves.cohort import COHORT_FR, Cohort, CohortFilter, parse_filter
from dialer.campaigns.waves.errors import WaveError
from dialer.campaigns.waves.lifecycle import (
    finish_wave,
    load_wave,
    pause_wave,
    resume_wave,
    schedule_wave,
    start_wave,
    stop_wave,
)
from dialer.campaigns.waves.numbering import wave_by_number, wave_numbers
from dialer.campaigns.waves.progress import WaveProgress, campaign_waves
from dialer.campaigns.waves.states import (
    STATUS_FR,
    IllegalWaveTransition,
    WaveEvent,
    WaveStatus,
    allowed_events,
    next_status,
)

__all__ = [
    "COHORT_FR",
    "STATUS_FR",
    "Cohort",
    "CohortFilter",
    "IllegalWaveTransition",
    "WaveError",
    "WaveEvent",
    "WaveProgress",
    "WaveStatus",
    "allowed_events",
    "campaign_waves",
    "finish_wave",
    "load_wave",
    "next_status",
    "parse_filter",
    "pause_wave",
    "resume_wave",
    "schedule_wave",
    "start_wave",
    "stop_wave",
    "wave_by_number",
    "wave_numbers",
]
