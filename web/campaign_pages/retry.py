"""The retry rules editor: by call result and by outcome, validated, versioned, its effect shown."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session
from starlette.datastructures import FormData

from dialer.campaigns.models import Campaign, CampaignStatus
from dialer.campaigns.policies import RetryPolicy
from dialer.campaigns.retry_rules import (
    OUTCOME_REASONS_FR,
    REASONS_FR,
    RESULT_REASONS_FR,
    UNCOUNTED,
    RawRule,
    RetryRulesRefused,
    parse_rules,
)
from dialer.campaigns.retry_versions import (
    current_policy,
    list_versions,
    preview_effect,
    save_rules,
)
from web.deps import DbSession, FormDep, IdPath, ManagerUser, NowDep
from web.forms import field_text
from web.pages.campaigns import load_campaign
from web.refusals import french_error
from web.render import render

router = APIRouter()
FIELDS = ("delai", "multiplicateur", "tentatives", "definitif")


def _shown(policy: RetryPolicy) -> dict[str, dict[str, str]]:
    values = {}
    for reason in REASONS_FR:
        rule = policy.rule_for(reason)
        values[reason] = {
            "delai": f"{rule.delay_minutes:g}".replace(".", ","),
            "multiplicateur": f"{rule.multiplier:g}".replace(".", ","),
            "tentatives": str(rule.max_retries),
            "definitif": "1" if rule.max_retries == 0 and reason != UNCOUNTED else "",
        }
    return values


def _typed(form: FormData) -> dict[str, dict[str, str]]:
    return {
        reason: {name: field_text(form, f"{name}_{reason}", 20) for name in FIELDS}
        for reason in REASONS_FR
    }


def _raw(typed: dict[str, dict[str, str]]) -> dict[str, RawRule]:
    return {
        reason: RawRule(
            row["delai"], row["multiplicateur"], row["tentatives"], bool(row["definitif"])
        )
        for reason, row in typed.items()
    }


def _page(
    request: Request, db: Session, campaign: Campaign, values: dict[str, dict[str, str]],
    effect_text: str, *, problems: dict[str, str] | None = None, previewed: bool = False,
    status: int = 200,
) -> Response:  # fmt: skip
    context: dict[str, Any] = {
        "campaign": campaign, "values": values, "problems": problems or {},
        "results": RESULT_REASONS_FR, "outcomes": OUTCOME_REASONS_FR,
        "versions": list_versions(db, campaign.id or 0), "effect": effect_text,
        "previewed": previewed, "closed": campaign.status == CampaignStatus.CLOSED,
        "uncounted": UNCOUNTED,
    }  # fmt: skip
    return render(request, "campaigns/retry_rules.html", context, status=status)


@router.get("/campagnes/{campaign_id}/relances")
def retry_page(
    request: Request, campaign_id: IdPath, _user: ManagerUser, db: DbSession, now: NowDep
) -> Response:
    campaign = load_campaign(db, campaign_id)
    policy = current_policy(campaign)
    effect = preview_effect(db, campaign_id, policy, now).text_fr()
    return _page(request, db, campaign, _shown(policy), effect)


@router.post("/campagnes/{campaign_id}/relances")
def retry_save(
    request: Request, campaign_id: IdPath, user: ManagerUser, db: DbSession, form: FormDep,
    now: NowDep,
) -> Response:  # fmt: skip
    campaign = load_campaign(db, campaign_id)
    if campaign.status == CampaignStatus.CLOSED:
        raise french_error(
            409, "La campagne est clôturée : ses règles de relance sont définitives."
        )
    typed = _typed(form)
    try:
        policy = parse_rules(_raw(typed))
    except RetryRulesRefused as refused:
        return _page(request, db, campaign, typed, "", problems=refused.problems, status=400)
    if field_text(form, "action", 16) != "enregistrer":
        effect = preview_effect(db, campaign_id, policy, now).text_fr()
        return _page(request, db, campaign, typed, effect, previewed=True)
    save_rules(db, campaign, policy, user.username, now)
    db.commit()
    return RedirectResponse(f"/campagnes/{campaign_id}/relances", status_code=303)
