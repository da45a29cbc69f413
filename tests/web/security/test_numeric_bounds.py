"""Out-of-range numbers in every numeric parameter of every route: a 4xx, never a 500.

The routes and their numeric path and query parameters come from ``app.routes``; the
form fields are every field name the pages' forms carry. Each route is called as a role
the access table lets through, so the values reach the code behind the access check.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import NoneType, UnionType
from typing import Any, Union, get_args, get_origin

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from dialer.core.settings import Settings
from dialer.operations.prestart import prestart
from tests.web.conftest import World, sign_in
from tests.web.security.conftest import Caller, Secure, caller_for
from tests.web.security.test_role_matrix import (
    LAST,
    STREAMS,
    TABLE,
    call,
    concrete,
    path_values,
)

# 2**31 and beyond overflow PostgreSQL's integer, 2**63 its bigint, 10**20 SQLite's integer;
# "²" is a digit to str.isdigit() that int() refuses.
HOSTILE = ("0", "-1", str(2**31), str(2**63), str(10**20), "abc", "²", "1e3", "")
# The most specific role first: the one whose pages the route belongs to.
ROLE_ORDER = ("agent_on", "dpo", "manager", "admin", "fund_a", "anon")
REFUSED = {"login", "401", "403"}
# Reads no form, and answers 503/504 when no dialer is reachable: posting fields proves nothing.
FORMLESS = {"/poste/appels/{attempt_id}/raccrocher"}
TEMPLATES = Path(__file__).parents[3] / "web" / "templates"


@pytest.fixture()
def settings(database_url: str, tmp_path: Path) -> Settings:
    """The web fixtures' settings on each backend: PostgreSQL overflows differently."""
    chosen = Settings(
        database_url=database_url,
        data_key_file=tmp_path / "keys.json",
        embedded_pbx=False,
        demo_data=False,
    )
    prestart(chosen)
    return chosen


@dataclass(frozen=True)
class Target:
    method: str
    template: str
    role: str
    path_ints: tuple[str, ...]
    query_ints: tuple[str, ...]


def _is_int(annotation: Any) -> bool:
    if annotation is int:
        return True
    if get_origin(annotation) in (Union, UnionType):
        return any(_is_int(arg) for arg in get_args(annotation) if arg is not NoneType)
    return False


def _params(dependant: Dependant, kind: str) -> Iterator[str]:
    for param in getattr(dependant, f"{kind}_params"):
        if _is_int(param.field_info.annotation):
            yield param.alias
    for sub in dependant.dependencies:
        yield from _params(sub, kind)


def _role_for(method: str, template: str) -> str | None:
    expected = TABLE[(method, template)]
    return next((role for role in ROLE_ORDER if expected[role] not in REFUSED), None)


def targets(app: FastAPI) -> list[Target]:
    found = []
    for context in iter_route_contexts(app.routes):
        dependant = getattr(context, "dependant", None)
        for method in sorted(set(context.methods or ()) - {"HEAD"}):
            role = _role_for(method, str(context.path))
            if dependant is None or role is None:
                continue
            found.append(
                Target(method, str(context.path), role,
                       tuple(_params(dependant, "path")), tuple(_params(dependant, "query")))
            )  # fmt: skip
    return found


def form_fields() -> set[str]:
    """Every field name a page's form may post."""
    names: set[str] = set()
    for page in TEMPLATES.rglob("*.html"):
        names |= set(re.findall(r'name="([a-z_]+)"', page.read_text(encoding="utf-8")))
    return names - {"csrf_token", "viewport"}


def _order(found: list[Target]) -> list[Target]:
    # Requests that end the session or the call go last, as in the role matrix.
    return sorted(found, key=lambda t: LAST.index(t.template) if t.template in LAST else -1)


def _probe(app: FastAPI, caller: Caller, target: Target, secure: Secure) -> list[str]:
    wrong = []
    values = path_values(secure)
    tries: list[tuple[str, str, dict[str, str]]] = []
    for name in target.path_ints:
        for bad in HOSTILE[:-1]:  # an empty segment is another route
            path = target.template.format(**{**values, name: bad})
            tries.append((f"{name}={bad}", path, {}))
    base = concrete(target.template, secure)
    for name in target.query_ints:
        tries += [(f"?{name}={bad}", base, {name: bad}) for bad in HOSTILE]
    if target.method == "POST" and target.template not in FORMLESS:
        tries += [(f"form={bad}", base, {}) for bad in HOSTILE]
    for label, path, query in tries:
        try:
            status = str(_call(app, caller, target, path, query, label))
        except Exception as error:  # the test client re-raises what the app let escape
            status = f"500 {type(error).__name__}"
        if status.startswith("5"):
            wrong.append(f"{caller.role} {target.method} {path} {label}: {status}")
    return wrong


def _call(app: FastAPI, caller: Caller, target: Target, path: str, query: dict[str, str],
          label: str) -> int:  # fmt: skip
    client = caller.client
    if target.template in STREAMS and not query:
        return call(app, caller, "GET", target.template, path).status
    if target.method == "GET":
        return client.get(path, params=query, headers=caller.headers).status_code
    bad = label.removeprefix("form=") if label.startswith("form=") else "1"
    data = dict.fromkeys(form_fields(), bad)
    if caller.csrf:
        data["csrf_token"] = caller.csrf
    return client.post(path, params=query, data=data, headers=caller.headers).status_code


def test_the_walk_finds_the_numeric_parameters(app: FastAPI) -> None:
    found = {(t.method, t.template): t for t in targets(app)}
    script = found[("GET", "/campagnes/{campaign_id}/script")]
    assert script.path_ints == ("campaign_id",) and "depuis" in script.query_ints
    assert "after" in found[("GET", "/api/funds/{fund_code}/results")].query_ints
    assert {"campagne", "version_script", "tentatives_max"} <= form_fields()


@pytest.mark.parametrize("role", ROLE_ORDER)
def test_no_numeric_value_makes_a_server_error(
    app: FastAPI, secure: Secure, client: TestClient, role: str
) -> None:
    caller = caller_for(client, secure, role)
    mine = [t for t in targets(app) if t.role == role]
    assert mine or role == "anon"
    wrong: list[str] = []
    for target in _order(mine):
        wrong += _probe(app, caller, target, secure)
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("depuis", ["99999999999999999999", "3000000000", "0"])
def test_the_script_page_refuses_an_impossible_version(
    client: TestClient, world: World, depuis: str
) -> None:
    """Issue 18: this cursor answered 500 (PostgreSQL overflows from 2**31 already)."""
    sign_in(client, "gestion")
    page = client.get(f"/campagnes/{world.campaign_id}/script", params={"depuis": depuis})
    assert page.status_code == 400
    assert "le paramètre « depuis » n'est pas valide" in html.unescape(page.text)
