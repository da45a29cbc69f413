"""The fund API's own OpenAPI document, its French guide page, and the download page.

Funds authenticate with their API token, not a session: the download page sends
the token from the browser straight to the API, so it never passes through a
form the server would log.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse

from web.render import render

router = APIRouter(include_in_schema=False)
FUND_PREFIX = "/api/funds"
METHODS = ("get", "post", "put", "delete")


def fund_schema(full: dict[str, Any]) -> dict[str, Any]:
    """The app's OpenAPI document cut down to the fund-facing operations."""
    paths = {path: item for path, item in full["paths"].items() if path.startswith(FUND_PREFIX)}
    return {
        **full,
        "info": {
            "title": "API des résultats de campagne pour les caisses",
            "version": full["info"].get("version", "1"),
            "description": "Voir le guide /api/docs et docs/funds.md.",
        },
        "paths": paths,
    }


def operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """One entry per operation, in a shape the guide template can walk."""
    found = []
    for path, item in schema["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is not None:
                found.append({"method": method.upper(), "path": path, **_describe(operation)})
    return found


def _describe(operation: dict[str, Any]) -> dict[str, Any]:
    responses = []
    for status, response in operation.get("responses", {}).items():
        examples = [
            (media, example_text(body["example"]))
            for media, body in response.get("content", {}).items()
            if "example" in body
        ]
        responses.append(
            {"status": status, "text": response.get("description", ""), "examples": examples}
        )
    return {
        "summary": operation.get("summary", ""),
        "description": operation.get("description", ""),
        "parameters": operation.get("parameters", []),
        "responses": responses,
    }


def example_text(example: Any) -> str:
    """An example as the fund's program receives it: real JSON, not a Python dict's repr."""
    if isinstance(example, str):
        return example
    return json.dumps(example, indent=2, ensure_ascii=False)


@router.get("/api/funds/openapi.json")
def fund_openapi(request: Request) -> JSONResponse:
    return JSONResponse(fund_schema(request.app.openapi()))


@router.get("/api/docs", response_class=HTMLResponse)
def fund_guide(request: Request) -> HTMLResponse:
    schema = fund_schema(request.app.openapi())
    return render(request, "fund_docs/guide.html", {"operations": operations(schema)})


@router.get("/caisses/resultats", response_class=HTMLResponse)
def download_page(request: Request) -> HTMLResponse:
    return render(request, "fund_docs/download.html")
