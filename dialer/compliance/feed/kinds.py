"""The closed list of event kinds a fund receives, and the payload keys each may carry."""

from __future__ import annotations

from enum import StrEnum


class EventKind(StrEnum):
    INTERVIEW_ACCEPTED = "interview_accepted"
    INTERVIEW_REFUSED = "interview_refused"
    OFFER_ACCEPTED = "offer_accepted"
    OFFER_REFUSED = "offer_refused"
    FOLLOWUP_REQUEST = "followup_request"
    CONTACT_CHANGE = "contact_change"
    CONSENT_CHANGE = "consent_change"
    CALLBACK_REQUESTED = "callback_requested"
    WRONG_PERSON = "wrong_person"
    RECTIFICATION = "rectification"


# Keys every payload may carry: where the event comes from and whom it is about.
ENVELOPE_KEYS = (
    "campaign",
    "row_ref",
    "occurred_at",
    "nir",
    "professional_number",
    "siret",
)
# The event's own keys, in the order the CSV export writes them.
EVENT_KEYS = ("field", "value", "channel", "decision", "source", "category", "text", "callback_at")

# At rest the NIR is sealed; it is opened only when delivered to its fund.
SEALED_NIR_KEY = "nir_sealed"
NIR_PURPOSE = "nir"
