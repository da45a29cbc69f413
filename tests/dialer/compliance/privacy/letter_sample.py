"""A right-of-access report shaped as ``access_report`` returns it, every kind of entry in it."""

from __future__ import annotations

from typing import Any


def sample_report(territory: str = "metro") -> dict[str, Any]:
    return {
        "generated_at": "2026-12-06T09:15:00Z",
        "person": {
            "id": 7, "nir": "185077512345612", "birth_date": "1985-07-14",
            "last_name": "Martin", "first_name": "Claire", "address_line": "3 rue des Lilas",
            "postal_code": "75011", "city": "Paris", "phone_e164": "+33106360837",
            "phone2_e164": "+262692123456", "audience": "insured", "territory": territory,
            "limited": False, "created_at": "2026-03-01T08:00:00Z",
            "updated_at": "2026-03-05T01:04:00Z",
            "fund": {"code": "CPAM75", "name": "CPAM de Paris"},
        },
        "campaigns": [{
            "campaign": {
                "id": 3, "code": "GRIPPE-75", "name": "Grippe 2026",
                "theme": "flu_vaccination", "theme_label": "Vaccination contre la grippe",
                "status": "active", "fund": "CPAM de Paris",
            },
            "contact": {
                "row_ref": "L-1", "status": "done", "attempts": 2,
                "theme_data": {"flu_vaccinated": False}, "created_at": "2026-03-01T08:00:00Z",
            },
            "attempts": [
                {"at": "2026-03-05T01:00:00Z", "number": "+33106360837", "result": "no_answer"},
                {"at": "2026-03-05T02:04:00Z", "number": "+33106360837", "result": "answered"},
            ],
            "outcomes": [{
                "at": "2026-03-05T02:09:00Z", "interview": "accepted", "offer": "accepted",
                "wrong_person": False, "followup_category": None, "followup_text": None,
                "contact_changes": {"phone2_e164": "+33612345678"}, "consent_changes": {},
                "callback_at": None,
            }],
        }],
        "consent": [
            {"at": "2026-03-05T02:09:00Z", "channel": "sms", "decision": "opt_out",
             "source": "call_outcome"},
        ],
        "trail": [
            {"at": "2026-03-05T02:04:10Z", "actor": "agent7", "actor_role": "agent",
             "action": "screen_pop", "fields": ["last_name", "phone2_e164", "flu_vaccinated"],
             "campaign_id": 3},
        ],
        "feed": [
            {"at": "2026-03-05T02:09:01Z", "kind": "interview_accepted", "fund": "CPAM de Paris"},
            {"at": "2026-03-05T02:09:01Z", "kind": "offer_accepted", "fund": "CPAM de Paris"},
        ],
    }  # fmt: skip
