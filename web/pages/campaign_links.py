"""Where each fix of the readiness checklist and of « Pourquoi rien ne compose ? » leads."""

from __future__ import annotations

from dialer.campaigns.readiness import Fix

_PATHS = {
    Fix.IMPORT: "/import",
    Fix.SCRIPT: "/script",
    Fix.AGENTS: "/agents",
    Fix.WAVES: "/vagues",
    Fix.EDIT: "/modifier",
    Fix.RETRY_RULES: "/relances",
    # Activating and resuming are buttons of the campaign page itself.
    Fix.ACTIVATE: "#etat",
    Fix.RESUME: "#etat",
}


def fix_url(campaign_id: int, fix: Fix) -> str:
    return f"/campagnes/{campaign_id}{_PATHS[fix]}"
