"""Uploading a fund's opposition list from a campaign's page (the campaign's fund)."""

from __future__ import annotations

import re
import shutil
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from dialer.campaigns.importing.source import ImportRefused
from dialer.compliance.privacy.opposition import import_opposition
from dialer.compliance.privacy.opposition_rows import OppositionFileRefused
from dialer.contacts.funds import Fund
from web.deps import DbSession, FormDep, IdPath, ManagerUser, NowDep, RuntimeDep
from web.imports.rejects import reject_view, trace_reject_read
from web.pages.campaigns import load_campaign
from web.pages.imports import UploadRefused, _keep_upload, _mb  # the contact upload's own checks
from web.render import render

router = APIRouter()
UPLOAD_PATH = re.compile(r"^/campagnes/\d{1,10}/oppositions$")
TEMPLATE = "campaigns/oppositions.html"


def is_upload_path(path: str) -> bool:
    return UPLOAD_PATH.match(path) is not None


@router.get("/campagnes/{campaign_id}/oppositions")
def opposition_page(
    request: Request, campaign_id: IdPath, _user: ManagerUser, db: DbSession, runtime: RuntimeDep
) -> Response:
    campaign = load_campaign(db, campaign_id)
    context = {
        "campaign": campaign, "fund": db.get(Fund, campaign.fund_id),
        "limit": _mb(runtime.settings.import_max_bytes),
    }  # fmt: skip
    return render(request, TEMPLATE, context)


@router.post("/campagnes/{campaign_id}/oppositions")
def opposition_upload(
    request: Request, campaign_id: IdPath, user: ManagerUser, db: DbSession, form: FormDep,
    runtime: RuntimeDep, now: NowDep,
) -> Response:  # fmt: skip
    campaign = load_campaign(db, campaign_id)
    max_bytes = runtime.settings.import_max_bytes
    context: dict[str, Any] = {
        "campaign": campaign,
        "fund": db.get(Fund, campaign.fund_id),
        "limit": _mb(max_bytes),
    }
    try:
        path = _keep_upload(form.get("fichier"), max_bytes)
    except UploadRefused as refusal:
        return render(request, TEMPLATE, {**context, "error": str(refusal)}, status=400)
    try:
        summary, job = import_opposition(
            runtime.engine, campaign, path, runtime.cipher, user.username, max_bytes, now
        )
    except (ImportRefused, OppositionFileRefused) as refusal:
        return render(request, TEMPLATE, {**context, "error": str(refusal)}, status=400)
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
    context |= {"summary": summary.text_fr(), "job": job}
    if job.reject_report and job.rejected:
        context["rejects"] = reject_view(job.reject_report)
        address = request.client.host if request.client else None
        trace_reject_read(db, user, job, address, "affichage des rejets")
    return render(request, TEMPLATE, context)
