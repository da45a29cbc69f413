"""Schemathesis over the app's own OpenAPI document: the JSON API, with and without a token.

Each operation gets a bounded number of generated requests; every answer must be
documented, match its schema, and never be a server error.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from tests.web.security.conftest import Secure

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


def api_operations(app: FastAPI) -> list[APIOperation[Any, Any, Any, Any]]:
    # The app serves /openapi.json (docs pages are off); only the JSON API is fuzzed here,
    # the HTML pages are covered route by route in test_role_matrix.py.
    schema = schemathesis.openapi.from_asgi("/openapi.json", app).include(path_regex="^/api/")
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"the app's OpenAPI document is invalid: {result}"
        operations.append(result.ok())
    return operations


def test_the_api_operations_are_in_the_schema(app: FastAPI) -> None:
    paths = {operation.path for operation in api_operations(app)}
    assert "/api/funds/{fund_code}/results" in paths
    assert "/api/funds/{fund_code}/results/{event_id}" in paths


def test_api_operations_answer_as_documented(app: FastAPI, secure: Secure) -> None:
    # schemathesis' pytest plugin does not run under this pytest: drive hypothesis directly.
    bearer = {"Authorization": f"Bearer {secure.token_a}"}
    own = secure.fund_a_code
    statuses: set[int] = set()
    for operation in api_operations(app):

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25, deadline=None, derandomize=True, database=None,
            suppress_health_check=list(HealthCheck),
        )  # fmt: skip
        def answers(case: schemathesis.Case[Any]) -> None:
            for headers in (bearer, {}):
                case.call_and_validate(headers=headers, checks=CHECKS)
            if "fund_code" in (case.path_parameters or {}):
                # Random codes only meet the 403: also read the token's own feed.
                case.path_parameters = {**(case.path_parameters or {}), "fund_code": own}
                answered = case.call_and_validate(headers=bearer, checks=CHECKS)
                statuses.add(answered.status_code)

        answers()
    # The generated requests did reach the feed, not only the refusals.
    assert 200 in statuses and 422 in statuses, statuses
