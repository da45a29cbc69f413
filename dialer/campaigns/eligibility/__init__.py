"""Who may be called, when, and why not: pure rules shared by selection and claim."""

from dialer.campaigns.eligibility.explain import (
    CampaignExplanation,
    ContactExplanation,
    explain_contact,
    summarise_campaign,
)
from dialer.campaigns.eligibility.facts import Block, BlockCode, ContactFacts, LiveCall
from dialer.campaigns.eligibility.retries import count_retry, next_attempt_after
from dialer.campaigns.eligibility.verdict import all_blocks, check_contact, next_callable_at
from dialer.campaigns.eligibility.windows import (
    holiday_name,
    in_calling_window,
    next_window_start,
    window_open_territories,
)

__all__ = [
    "Block",
    "BlockCode",
    "CampaignExplanation",
    "ContactExplanation",
    "ContactFacts",
    "LiveCall",
    "all_blocks",
    "check_contact",
    "count_retry",
    "explain_contact",
    "holiday_name",
    "in_calling_window",
    "next_attempt_after",
    "next_callable_at",
    "next_window_start",
    "summarise_campaign",
    "window_open_territories",
]
