"""Schemathesis signed in: every operation each role may call, fuzzed as that role.

Signed out, every page only ever answered 303 or 401: nothing behind the access checks
was reached. Here each role (agent, manager, DPO, admin, fund token) gets generated
requests on the operations the access table lets it through, with its session cookie
and CSRF token, half of them on the fixture's real objects. Every answer must be
documented (status, content type, schema) and none may be a server error.

DIALER_FUZZ_EXAMPLES raises the examples per operation (a few by default, for CI).
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.web.security.conftest import Caller, Secure, caller_for
from tests.web.security.test_role_matrix import TABLE, path_values
from web.openapi_doc import FORMS, UPLOADS

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]
ROLES = ("agent_on", "manager", "dpo", "admin", "fund_a")
EXAMPLES = int(os.environ.get("DIALER_FUZZ_EXAMPLES", "6"))
REFUSED = {"login", "401", "403"}
# Left out, with the reason: endless streams (no answer to validate), the session's own
# end, and a hang-up that waits for a dialer this test does not run.
SKIPPED = {
    ("GET", "/campagnes/{campaign_id}/tableau/flux"),
    ("GET", "/poste/evenements"),
    ("POST", "/deconnexion"),
    ("POST", "/connexion"),
    ("POST", "/poste/appels/{attempt_id}/raccrocher"),
}

Operation = APIOperation[Any, Any, Any, Any]


def all_operations(app: FastAPI) -> list[Operation]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    found = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"the app's OpenAPI document is invalid: {result}"
        found.append(result.ok())
    return found


def operations_for(app: FastAPI, role: str) -> list[Operation]:
    return [
        op
        for op in all_operations(app)
        if (key := (op.method.upper(), op.path)) in TABLE
        and key not in SKIPPED
        and TABLE[key][role] not in REFUSED
    ]


def test_every_page_form_is_documented(app: FastAPI) -> None:
    """A POST route without its form in the document would be fuzzed with empty bodies."""
    posts = {(op.method.upper(), op.path) for op in all_operations(app) if op.method == "post"}
    pages = {key for key in posts if not key[1].startswith("/api/")}
    assert pages == set(FORMS) | set(UPLOADS)


def _cookie_header(caller: Caller) -> dict[str, str]:
    if caller.headers:
        return dict(caller.headers)
    cookie = "; ".join(f"{name}={value}" for name, value in caller.client.cookies.items())
    return {"Cookie": cookie}


def _fuzz(operation: Operation, caller: Caller, real: dict[str, str], seen: set[int]) -> None:
    headers = _cookie_header(caller)

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
        suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    def answers(case: schemathesis.Case[Any]) -> None:
        if isinstance(case.body, dict) and caller.csrf:
            case.body = {**case.body, "csrf_token": caller.csrf}
        seen.add(case.call_and_validate(headers=headers, checks=CHECKS).status_code)
        if case.path_parameters:
            # Random ids only meet the 404: also act on the fixture's real objects.
            case.path_parameters = {
                name: real.get(name, value) for name, value in case.path_parameters.items()
            }
            seen.add(case.call_and_validate(headers=headers, checks=CHECKS).status_code)

    answers()


@pytest.mark.parametrize("role", ROLES)
def test_signed_in_operations_answer_as_documented(
    app: FastAPI, secure: Secure, client: TestClient, role: str
) -> None:
    caller = caller_for(client, secure, role)
    operations = operations_for(app, role)
    assert operations, role
    real = path_values(secure)
    seen: set[int] = set()
    for operation in operations:
        _fuzz(operation, caller, real, seen)
    # The requests got past the access checks: answers other than refusals came back.
    print(f"FUZZ {role}: {len(operations)} operations, statuses {sorted(seen)}")
    assert seen - {401, 403}, seen
