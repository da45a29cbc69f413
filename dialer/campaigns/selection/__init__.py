"""From eligibility rules to rows: choosing, claiming and explaining contacts to call."""

from dialer.campaigns.selection.candidates import campaign_policy, prefilter, select_candidates
from dialer.campaigns.selection.claim import (
    DEFAULT_LEASE_SECONDS,
    Claim,
    claim_contacts,
    release_expired_leases,
    renew_lease,
)
from dialer.campaigns.selection.facts import load_facts

__all__ = [
    "DEFAULT_LEASE_SECONDS",
    "Claim",
    "campaign_policy",
    "claim_contacts",
    "load_facts",
    "prefilter",
    "release_expired_leases",
    "renew_lease",
    "select_candidates",
]
