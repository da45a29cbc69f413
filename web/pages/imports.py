"""Uploading a fund's contact file, following its import, downloading the rejects."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.datastructures import UploadFile

from dialer.campaigns.importing.models import ImportJob
from dialer.campaigns.importing.preview import preview_header
from web.deps import DbSession, FormDep, IdPath, ManagerUser, WebStateDep
from web.imports.rejects import reject_view, trace_reject_read
from web.imports.tracker import ImportProgress, ImportRequest
from web.pages.campaigns import load_campaign
from web.refusals import french_error
from web.render import render

router = APIRouter()
UPLOAD_PATH = re.compile(r"^/campagnes/\d{1,10}/import$")
SAFE_NAME = re.compile(r"[^A-Za-z0-9À-ÿ._ -]")
CHUNK = 1024 * 1024
Ticket = Annotated[str, PathParam(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


class UploadRefused(Exception):
    """The upload cannot be imported; nothing was kept. The message is French."""


def is_upload_path(path: str) -> bool:
    return UPLOAD_PATH.match(path) is not None


def safe_filename(name: str) -> str:
    base = SAFE_NAME.sub("_", name.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    return base[:100] or "fichier.csv"


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",") + " Mo"


@router.get("/campagnes/{campaign_id}/import")
def upload_page(request: Request, campaign_id: IdPath, _user: ManagerUser, db: DbSession,
                state: WebStateDep) -> Response:  # fmt: skip
    campaign = load_campaign(db, campaign_id)
    limit = _mb(state.runtime.settings.import_max_bytes)
    return render(request, "campaigns/import.html", {"campaign": campaign, "limit": limit})


@router.post("/campagnes/{campaign_id}/import")
def upload(request: Request, campaign_id: IdPath, user: ManagerUser, db: DbSession,
           form: FormDep, state: WebStateDep) -> Response:  # fmt: skip
    campaign = load_campaign(db, campaign_id)
    max_bytes = state.runtime.settings.import_max_bytes
    try:
        path = _keep_upload(form.get("fichier"), max_bytes)
    except UploadRefused as refusal:
        context = {"campaign": campaign, "limit": _mb(max_bytes), "error": str(refusal)}
        return render(request, "campaigns/import.html", context, status=400)
    refuse_unknown = form.get("refuser_colonnes") == "oui"
    job = ImportRequest(campaign_id, path, user.username, refuse_unknown=refuse_unknown)
    preview = preview_header(state.runtime.engine, campaign_id, path, max_bytes)
    if preview.undecided and not refuse_unknown:
        token = state.imports.hold(job)
        context = {"campaign": campaign, "preview": preview, "token": token}
        return render(request, "campaigns/import_columns.html", context)
    return _start(state, job)


def _start(state: WebStateDep, job: ImportRequest) -> Response:
    ticket = state.imports.start(job)
    return RedirectResponse(f"/campagnes/{job.campaign_id}/import/{ticket}", status_code=303)


def _keep_upload(upload: Any, max_bytes: int) -> Path:
    """Copy the upload to a private folder, refusing it past ``max_bytes``."""
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise UploadRefused("Choisissez le fichier de contacts à importer.")
    folder = Path(tempfile.mkdtemp(prefix="dialer-import-"))
    path = folder / safe_filename(upload.filename)
    size = 0
    with path.open("wb") as target:
        while chunk := upload.file.read(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                break
            target.write(chunk)
    if size > max_bytes or size == 0:
        shutil.rmtree(folder, ignore_errors=True)
        if size == 0:
            raise UploadRefused("Le fichier est vide.")
        raise UploadRefused(
            f"Le fichier dépasse la taille maximale autorisée ({_mb(max_bytes)}) : "
            "rien n'a été importé."
        )
    return path


def _progress_or_404(state: WebStateDep, campaign_id: int, ticket: str) -> ImportProgress:
    progress = state.imports.get(ticket)
    if progress is None or progress.campaign_id != campaign_id:
        raise french_error(404, "Suivi d'import introuvable (le service a peut-être redémarré).")
    return progress


def progress_json(progress: ImportProgress) -> dict[str, Any]:
    report = None
    if progress.job_id is not None and progress.rejected:
        report = f"/campagnes/{progress.campaign_id}/imports/{progress.job_id}/rejets.csv"
    return {
        "status": progress.status, "done": progress.done, "expected": progress.expected,
        "finished": progress.finished, "message": progress.message,
        "rejected": progress.rejected, "report_url": report, "phase": progress.phase,
        "rows_per_second": round(progress.rows_per_second),
    }  # fmt: skip


@router.get("/campagnes/{campaign_id}/import/{ticket}")
def progress_page(request: Request, campaign_id: IdPath, ticket: Ticket, user: ManagerUser,
                  db: DbSession, state: WebStateDep) -> Response:  # fmt: skip
    campaign = load_campaign(db, campaign_id)
    progress = _progress_or_404(state, campaign_id, ticket)
    context = {"campaign": campaign, "progress": progress, "info": progress_json(progress)}
    job = db.get(ImportJob, progress.job_id) if progress.job_id is not None else None
    if job is not None and job.reject_report and progress.rejected:
        context["rejects"] = reject_view(job.reject_report)
        trace_reject_read(db, user, job, _address(request), "affichage des rejets")
    return render(request, "campaigns/import_progress.html", context)


def _address(request: Request) -> str | None:
    return request.client.host if request.client else None


class ImportProgressOut(BaseModel):
    status: str
    done: int
    expected: int
    finished: bool
    message: str
    rejected: int
    report_url: str | None
    phase: str
    rows_per_second: int


class ProblemOut(BaseModel):
    detail: str


PROGRESS_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ProblemOut, "description": "Personne n'est connecté."},
    403: {"model": ProblemOut, "description": "Réservé aux gestionnaires de campagne."},
    404: {"model": ProblemOut, "description": "Suivi d'import introuvable."},
    # The app answers validation errors in French with a string detail (web.errors).
    422: {"model": ProblemOut, "description": "Paramètre invalide."},
}


@router.get(
    "/api/campagnes/{campaign_id}/imports/{ticket}",
    response_model=ImportProgressOut,
    responses=PROGRESS_RESPONSES,
)
def progress_api(campaign_id: IdPath, ticket: Ticket, _user: ManagerUser,
                 state: WebStateDep) -> JSONResponse:  # fmt: skip
    return JSONResponse(progress_json(_progress_or_404(state, campaign_id, ticket)))


@router.get("/campagnes/{campaign_id}/imports/{job_id}/rejets.csv")
def reject_report(
    request: Request, campaign_id: IdPath, job_id: IdPath, user: ManagerUser, db: DbSession
) -> Response:
    job = db.get(ImportJob, job_id)
    if job is None or job.campaign_id != campaign_id or job.reject_report is None:
        raise french_error(404, "Rapport de rejets introuvable.")
    report = job.reject_report
    trace_reject_read(db, user, job, _address(request), "téléchargement du rapport de rejets")
    name = f"rejets-campagne-{campaign_id}-import-{job_id}.csv"
    return Response(
        report.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
