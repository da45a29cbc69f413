"""The fields each campaign theme declares, as the notices and the domain brief list them.

Kept here, apart from the dialer's own theme registry, so the check does not
trust the code it checks. Names follow what the agent desk writes in the access
trail (phones as ``phone_e164`` / ``phone2_e164``). The NIR is in no list: it
identifies the person for the fund and is never shown.
"""

from __future__ import annotations

CONTACT_DETAILS = frozenset(
    {"address_line", "postal_code", "city", "phone_e164", "phone2_e164", "email"}
)
INSURED = frozenset({"last_name", "first_name", "birth_date"}) | CONTACT_DETAILS
PROFESSIONAL = frozenset({"professional_number", "last_name", "first_name"}) | CONTACT_DETAILS
EMPLOYER = frozenset({"company_name", "siret", "local_contact_name"}) | CONTACT_DETAILS

# The desk also shows the person's earlier calls on the campaign (dates and results,
# no personal field): declared for every theme.
DESK_EXTRAS = frozenset({"call_history"})

DECLARED_FIELDS: dict[str, frozenset[str]] = {
    "flu_vaccination": INSURED | {"flu_vaccinated"},
    "child_dental": INSURED
    | {"child_last_name", "child_first_name", "child_age", "child_birth_date", "ebd_cover_end"},
    "ameli_account": INSURED | {"provisional_code", "provisional_code_expiry"},
    "pro_online_services": PROFESSIONAL | {"practice_software", "online_usage_rate"},
    "employer_offer": EMPLOYER,
}

NEVER_SHOWN = frozenset({"nir", "nir_cipher", "nir_lookup"})
