"""Every route of the app, tried as every role: the expected answer, and no data out of bounds.

The routes come from ``app.routes``: a route added without a row in ``TABLE`` fails
``test_every_route_is_classified``, so access rules are decided when a route is born.

Outcomes: a status code as text, or ``login`` for the 303 to ``/connexion`` that pages
answer to an unauthenticated visitor. ``404`` for an allowed role means the role got
past the access check and the (deliberately bogus) object was not found.

Managers see campaigns, counts, scripts and waves, never a person's record: the
person-level pages are the agent's call panel (own call, own campaign) and the DPO's
rights pages. Funds see only their own result feed, with the NIR of their insured.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from tests.web.security.conftest import (
    CHILD,
    CODE,
    FEED_A,
    FEED_B,
    LAST_NAME,
    MARKER_READERS,
    NIR,
    ROLES,
    Caller,
    Secure,
    caller_for,
    first_chunk,
)

Row = Mapping[str, str]


def row(
    anon: str, agent_on: str, agent_off: str, manager: str, dpo: str, admin: str,
    fund_a: str, fund_b: str, supervisor: str | None = None,
) -> Row:  # fmt: skip
    """``supervisor`` unless said: 403 where a visitor is sent to sign in, else as agent_off."""
    if supervisor is None:
        supervisor = "403" if anon == "login" else agent_off
    values = (anon, agent_on, agent_off, manager, dpo, admin, fund_a, fund_b, supervisor)
    return dict(zip(ROLES, values, strict=True))


PUBLIC = row("200", "200", "200", "200", "200", "200", "200", "200")
MANAGER_PAGE = row("login", "403", "403", "200", "403", "200", "login", "login")
ADMIN_PAGE = row("login", "403", "403", "403", "403", "200", "login", "login")
DPO_PAGE = row("login", "403", "403", "403", "200", "403", "login", "login")
AGENT_PAGE = row("login", "200", "200", "403", "403", "403", "login", "login")


SUPERVISOR_PAGE = row("login", "403", "403", "403", "403", "403", "login", "login", "200")


def supervisor_action(status: str) -> Row:
    return row("login", "403", "403", "403", "403", "403", "login", "login", status)


def manager_action(status: str) -> Row:
    return row("login", "403", "403", status, "403", status, "login", "login")


def dpo_action(status: str) -> Row:
    return row("login", "403", "403", "403", status, "403", "login", "login")


def desk_action(on: str, off: str) -> Row:
    return row("login", on, off, "403", "403", "403", "login", "login")


def fund_api() -> Row:
    # A browser session is no API credential: only the bearer token of the path's fund.
    return row("401", "401", "401", "401", "401", "401", "200", "403")


C = "/campagnes/{campaign_id}"
P = "/dpo/personnes/{person_id}"
R = "/dpo/demandes/{request_id}"
A = "/poste/appels/{attempt_id}"
TABLE: dict[tuple[str, str], Row] = {
    ("GET", "/openapi.json"): PUBLIC,
    ("MOUNT", "/static"): PUBLIC,
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
    # Aggregates only; the reverse proxy keeps it for the Prometheus server (docs/deploy.md).
    ("GET", "/metrics"): PUBLIC,
    # The funds' guide and download page hold no data: the token stays in the browser.
    ("GET", "/api/funds/openapi.json"): PUBLIC,
    ("GET", "/api/docs"): PUBLIC,
    ("GET", "/caisses/resultats"): PUBLIC,
    ("GET", "/connexion"): PUBLIC,
    ("POST", "/connexion"): row("401", "401", "401", "401", "401", "401", "401", "401"),
    ("POST", "/deconnexion"): row(*["login"] * 9),
    ("GET", "/"): row("login", "200", "200", "303", "200", "303", "login", "login", "303"),
    ("GET", "/campagnes"): MANAGER_PAGE,
    ("GET", "/campagnes/nouvelle"): MANAGER_PAGE,
    ("POST", "/campagnes/nouvelle"): manager_action("400"),
    ("GET", C): MANAGER_PAGE,
    ("GET", C + "/import"): MANAGER_PAGE,
    ("POST", C + "/import"): manager_action("400"),
    # No upload held under the (missing) token: nothing to map.
    ("POST", C + "/import/colonnes"): manager_action("404"),
    ("GET", C + "/import/{ticket}"): manager_action("404"),
    ("GET", "/api/campagnes/{campaign_id}/imports/{ticket}"): row(
        "401", "403", "403", "404", "403", "404", "401", "401"
    ),
    ("GET", C + "/imports/{job_id}/rejets.csv"): MANAGER_PAGE,
    ("GET", C + "/agents"): MANAGER_PAGE,
    ("POST", C + "/agents/{user_id}/activer"): manager_action("303"),
    ("POST", C + "/agents/{user_id}/retirer"): manager_action("303"),
    ("GET", "/admin/utilisateurs"): ADMIN_PAGE,
    ("POST", "/admin/utilisateurs"): row(
        "login", "403", "403", "403", "403", "400", "login", "login"
    ),
    # No account named in the form: nothing to clear.
    ("POST", "/admin/utilisateurs/delais/lever"): row(
        "login", "403", "403", "403", "403", "404", "login", "login"
    ),
    ("POST", "/admin/utilisateurs/{user_id}/poste"): row(
        "login", "403", "403", "403", "403", "303", "login", "login"
    ),
    ("POST", "/admin/utilisateurs/{user_id}/desactiver"): row(
        "login", "403", "403", "403", "403", "303", "login", "login"
    ),
    ("POST", "/admin/utilisateurs/{user_id}/reactiver"): row(
        "login", "403", "403", "403", "403", "303", "login", "login"
    ),
    # No role in the form: refused, nothing changed.
    ("POST", "/admin/utilisateurs/{user_id}/role"): row(
        "login", "403", "403", "403", "403", "400", "login", "login"
    ),
    # The temporary password is shown in the answer itself, never in an address.
    ("POST", "/admin/utilisateurs/{user_id}/mot-de-passe"): row(
        "login", "403", "403", "403", "403", "200", "login", "login"
    ),
    # Every signed-in account, the supervisor's included, may change its own password.
    ("GET", "/mot-de-passe"): row(
        "login", "200", "200", "200", "200", "200", "login", "login", "200"
    ),
    # An empty new password is refused.
    ("POST", "/mot-de-passe"): row(
        "login", "400", "400", "400", "400", "400", "login", "login", "400"
    ),
    ("GET", "/poste"): AGENT_PAGE,
    ("GET", "/poste/etat"): AGENT_PAGE,
    ("POST", "/poste/campagne"): desk_action("409", "409"),
    ("POST", "/poste/disponible"): desk_action("409", "409"),
    ("POST", "/poste/pause"): desk_action("409", "409"),
    ("POST", "/poste/quitter"): desk_action("409", "409"),
    ("GET", "/poste/evenements"): AGENT_PAGE,
    # « Mes rappels » of the campaign the agent works on (none: join one first).
    ("GET", "/poste/rappels"): desk_action("200", "409"),
    # The fixture's campaign does not allow manual dial; no person chosen.
    ("POST", "/poste/recherche"): desk_action("409", "409"),
    ("POST", "/poste/appel-manuel"): desk_action("400", "400"),
    ("GET", A): desk_action("200", "403"),
    # The flu theme declares no secret: the code slipped into its data stays hidden.
    ("POST", A + "/code"): desk_action("404", "403"),
    # No dialer in this process and no PostgreSQL to reach a worker's.
    ("POST", A + "/raccrocher"): desk_action("503", "403"),
    # The fixture's call is live, not a preview: refused after the access check.
    ("POST", A + "/appeler"): desk_action("409", "403"),
    ("POST", A + "/passer"): desk_action("409", "403"),
    ("POST", A + "/resultat"): desk_action("400", "403"),
    ("GET", C + "/tableau"): MANAGER_PAGE,
    ("GET", C + "/tableau/donnees"): MANAGER_PAGE,
    ("GET", C + "/tableau/flux"): MANAGER_PAGE,
    ("GET", C + "/contacts"): MANAGER_PAGE,
    # No such contact in the campaign: refused after the access check.
    ("GET", C + "/contacts/{contact_id}/explication"): manager_action("404"),
    ("GET", C + "/rapports"): MANAGER_PAGE,
    ("GET", C + "/rapports/export.{fmt}"): MANAGER_PAGE,
    ("GET", "/caisses/{fund_id}/rapports"): MANAGER_PAGE,
    ("GET", "/caisses/{fund_id}/rapports/export.{fmt}"): MANAGER_PAGE,
    ("GET", C + "/script"): MANAGER_PAGE,
    ("POST", C + "/script"): manager_action("400"),  # an empty body is refused, not saved
    ("POST", C + "/script/apercu"): manager_action("200"),
    ("GET", C + "/vagues"): MANAGER_PAGE,
    ("POST", C + "/vagues"): manager_action("400"),
    ("POST", C + "/vagues/{wave_id}/{action}"): manager_action("303"),
    # The path's action word is the waves' (demarrer): not a campaign move.
    ("POST", C + "/etat/{action}"): manager_action("404"),
    ("GET", C + "/cloture"): MANAGER_PAGE,
    ("POST", C + "/cloture"): manager_action("400"),  # closes only with its confirmation
    ("GET", C + "/modifier"): MANAGER_PAGE,
    ("POST", C + "/modifier"): manager_action("400"),
    ("GET", C + "/relances"): MANAGER_PAGE,
    ("POST", C + "/relances"): manager_action("400"),
    ("GET", C + "/oppositions"): MANAGER_PAGE,
    ("POST", C + "/oppositions"): manager_action("400"),  # no file sent
    ("GET", "/api/funds/{fund_code}/results"): fund_api(),
    ("GET", "/api/funds/{fund_code}/results/{event_id}"): fund_api(),
    ("GET", "/dpo"): DPO_PAGE,
    ("POST", "/dpo/recherche"): dpo_action("400"),
    ("GET", P): DPO_PAGE,
    ("GET", P + "/lettre.txt"): DPO_PAGE,
    ("GET", P + "/lettre.pdf"): DPO_PAGE,
    ("GET", P + "/rapport.json"): DPO_PAGE,
    ("POST", P + "/rectification"): dpo_action("400"),
    ("POST", P + "/limitation"): dpo_action("400"),  # the reason is required
    ("POST", P + "/refus-appels"): dpo_action("303"),  # no reason needed to stop calls
    ("GET", "/dpo/tracabilite"): DPO_PAGE,
    ("GET", "/dpo/tracabilite.csv"): DPO_PAGE,
    ("POST", "/dpo/tracabilite/nir"): dpo_action("400"),  # no NIR given
    ("GET", "/dpo/tracabilite/verification"): DPO_PAGE,
    ("GET", "/dpo/conservation"): DPO_PAGE,
    ("GET", "/dpo/demandes"): DPO_PAGE,
    ("POST", "/dpo/demandes"): dpo_action("400"),  # neither NIR nor phone
    # The (bogus) request does not exist: past the access check, not found.
    ("GET", R): dpo_action("404"),
    ("GET", R + "/courrier"): dpo_action("404"),
    ("POST", R + "/prolongation"): dpo_action("404"),
    ("POST", R + "/refus"): dpo_action("404"),
    ("POST", R + "/reponse"): dpo_action("404"),
    # The desk's « Contrôle d'appel »: the agent's own live call only. The fixture's call
    # has no channel yet (and no dialer runs here): refused after the access check.
    ("GET", A + "/controle"): desk_action("200", "403"),
    ("POST", A + "/attente"): desk_action("409", "403"),
    ("POST", A + "/reprise"): desk_action("409", "403"),
    ("POST", A + "/transfert"): desk_action("409", "403"),
    ("POST", A + "/transfert/annuler"): desk_action("409", "403"),
    ("POST", A + "/transfert/terminer"): desk_action("409", "403"),
    ("POST", A + "/conference"): desk_action("409", "403"),
    ("POST", "/poste/aide"): desk_action("204", "204"),
    # The supervisor's wall: its campaigns' agents and calls, a row reference, no person.
    ("GET", "/supervision"): SUPERVISOR_PAGE,
    ("GET", "/supervision/etat"): SUPERVISOR_PAGE,
    ("POST", "/supervision/appels/{attempt_id}/ecoute"): supervisor_action("400"),  # no mode
    # agent2 works on none of the supervisor's campaigns.
    ("POST", "/supervision/agents/{user_id}/aide"): supervisor_action("403"),
    ("GET", C + "/supervision"): MANAGER_PAGE,
    ("POST", C + "/supervision/destinations"): manager_action("400"),
    ("POST", C + "/supervision/destinations/{destination_id}/retirer"): manager_action("404"),
    ("POST", C + "/supervision/superviseurs"): manager_action("404"),
    ("POST", C + "/supervision/politique"): manager_action("303"),
}
MUST_SEE: dict[str, set[str]] = {
    "agent_on": {LAST_NAME},
    "dpo": {NIR, CHILD, CODE, LAST_NAME},
    "fund_a": {NIR, FEED_A},
}
# The one person-level page of managers: a campaign's contact list shows the names (only
# them, each read traced) so that a manager can find the person a fund asks about.
ROUTE_READERS: dict[tuple[str, str], dict[str, frozenset[str]]] = {
    ("GET", C + "/contacts"): {LAST_NAME: frozenset({"manager", "admin"})},
}
STREAMS = {C + "/tableau/flux", "/poste/evenements"}
# Requests that change what later requests of the same role would see go last.
LAST = (A + "/resultat", "/poste/quitter", "/deconnexion")


def app_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path) the app answers, HEAD folded into GET, mounts as MOUNT."""
    found: list[tuple[str, str]] = []
    for context in iter_route_contexts(app.routes):
        methods = sorted(set(context.methods or ()) - {"HEAD"}) or ["MOUNT"]
        found += [(method, str(context.path)) for method in methods]
    return found


def path_values(secure: Secure) -> dict[str, str]:
    return {
        "campaign_id": str(secure.flu_id), "ticket": "billetinconnu", "job_id": str(secure.job_id),
        "user_id": str(secure.agent2_id), "attempt_id": str(secure.attempt_id),
        "wave_id": str(secure.wave_id), "action": "demarrer", "person_id": str(secure.person_id),
        "fund_code": secure.fund_a_code, "event_id": secure.event_a, "request_id": "999999",
        "contact_id": "999999", "fund_id": str(secure.world.fund_id), "fmt": "csv",
        "destination_id": "987654",
    }  # fmt: skip


def concrete(path: str, secure: Secure) -> str:
    if path == "/static":
        return "/static/css/app.css"
    return path.format(**path_values(secure))


def order(routes: list[tuple[str, str]]) -> list[tuple[str, str]]:
    def key(route: tuple[str, str]) -> tuple[int, int, str]:
        last = LAST.index(route[1]) if route[1] in LAST else -1
        return (last, 0 if route[0] in ("GET", "MOUNT") else 1, route[1])

    return sorted(routes, key=key)


class Seen:
    def __init__(self, status: int, headers: Mapping[str, str], body: str) -> None:
        self.status, self.headers, self.body = status, headers, body


def call(app: FastAPI, caller: Caller, method: str, template: str, path: str) -> Seen:
    if template in STREAMS:
        start = first_chunk(app, path, caller)
        return Seen(start.status, start.headers, start.body.decode("utf-8", "replace"))
    client: TestClient = caller.client
    if caller.headers:
        # A machine client keeps no cookie between calls: its bearer token is all it has.
        client.cookies.clear()
    if method in ("GET", "MOUNT"):
        response = client.get(path, headers=caller.headers)
    else:
        data = {"csrf_token": caller.csrf} if caller.csrf else {}
        response = client.post(path, data=data, headers=caller.headers)
    return Seen(response.status_code, response.headers, response.text)


def outcome(seen: Seen) -> str:
    if seen.status == 303 and seen.headers.get("location", "").startswith("/connexion"):
        return "login"
    return str(seen.status)


def refusal_problem(seen: Seen) -> str | None:
    """A refusal must tell the person why, in French: an alert on a page, a JSON detail."""
    if seen.status not in (401, 403, 404):
        return None
    if seen.headers.get("content-type", "").startswith("application/json"):
        detail = json.loads(seen.body).get("detail")
        return None if isinstance(detail, str) and detail else "JSON refusal without detail"
    return None if 'role="alert"' in seen.body else "page refusal without an alert"


def header_problem(seen: Seen) -> str | None:
    """Every answer, refusals and streams included, carries the browser protections."""
    headers = {name.lower(): value for name, value in seen.headers.items()}
    csp = headers.get("content-security-policy", "")
    if "default-src 'self'" not in csp or "unsafe-inline" in csp or "unsafe-eval" in csp:
        return f"weak or missing CSP: {csp!r}"
    if headers.get("x-frame-options") != "DENY" or "frame-ancestors 'none'" not in csp:
        return "framing allowed"
    if headers.get("x-content-type-options") != "nosniff":
        return "no nosniff"
    return None


def markers_in(seen: Seen) -> set[str]:
    # A NIR may be shown grouped ("1 84 12 ..."): look for it without the spaces too.
    squeezed = seen.body.replace(" ", "").replace("\u00a0", "")
    return {marker for marker in MARKER_READERS if marker in seen.body or marker in squeezed}


def test_every_route_is_classified(app: FastAPI) -> None:
    unclassified = [route for route in app_routes(app) if route not in TABLE]
    assert not unclassified, f"routes missing from the access table: {unclassified}"
    stale = [route for route in TABLE if route not in app_routes(app)]
    assert not stale, f"table rows for routes that no longer exist: {stale}"


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(app: FastAPI, secure: Secure, client: TestClient, role: str) -> None:
    caller = caller_for(client, secure, role)
    wrong: list[str] = []
    shown: set[str] = set()
    for method, template in order(app_routes(app)):
        if (method, template) not in TABLE:
            continue  # test_every_route_is_classified names it
        path = concrete(template, secure)
        what = f"{role} {method} {path}"
        seen = call(app, caller, method, template, path)
        expected = TABLE[(method, template)][role]
        if outcome(seen) != expected:
            wrong.append(f"{what}: expected {expected}, got {outcome(seen)} {seen.body[:120]!r}")
        for problem in (refusal_problem(seen), header_problem(seen)):
            if problem:
                wrong.append(f"{what}: {problem}")
        found = markers_in(seen)
        extra = ROUTE_READERS.get((method, template), {})
        wrong += [
            f"{what}: leaks {m}"
            for m in found
            if role not in MARKER_READERS[m] | extra.get(m, frozenset())
        ]
        shown |= found
    assert not wrong, "\n".join(wrong)
    # The markers are where their readers do find them: their absence elsewhere means something.
    assert shown >= MUST_SEE.get(role, set()), f"{role} never saw {MUST_SEE[role] - shown}"


@pytest.mark.parametrize("token_of", ["a", "b"])
def test_a_fund_token_never_reads_the_other_funds_feed(
    client: TestClient, secure: Secure, token_of: str
) -> None:
    own, other = (
        (secure.token_a, secure.fund_b_code)
        if token_of == "a"
        else (secure.token_b, secure.fund_a_code)
    )
    other_event = secure.event_b if token_of == "a" else secure.event_a
    own_code = secure.fund_a_code if token_of == "a" else secure.fund_b_code
    bearer = {"Authorization": f"Bearer {own}"}
    for path in (f"/api/funds/{other}/results", f"/api/funds/{other}/results/{other_event}"):
        refused = client.get(path, headers=bearer)
        assert refused.status_code == 403 and "propre caisse" in refused.json()["detail"]
    # The other fund's event id under one's own code is simply not in one's feed.
    missing = client.get(f"/api/funds/{own_code}/results/{other_event}", headers=bearer)
    assert missing.status_code == 404
    own_feed = client.get(f"/api/funds/{own_code}/results", headers=bearer)
    assert own_feed.status_code == 200
    assert (FEED_B if token_of == "a" else FEED_A) not in own_feed.text
    assert (FEED_A if token_of == "a" else FEED_B) in own_feed.text


@pytest.mark.parametrize(
    "authorization", ["Bearer dlrf_inconnu", "Bearer ", "Basic YTpi", "Bearer " + "x" * 5000]
)
def test_a_bad_token_gets_401(client: TestClient, secure: Secure, authorization: str) -> None:
    response = client.get(
        f"/api/funds/{secure.fund_a_code}/results", headers={"Authorization": authorization}
    )
    assert response.status_code in (401, 403) and response.json()["detail"]
    assert FEED_A not in response.text


def test_an_agent_never_opens_a_call_of_a_campaign_it_is_not_enabled_on(
    client: TestClient, secure: Secure
) -> None:
    """Even an attempt carrying its own user id: the dental campaign is not its to work on."""
    caller = caller_for(client, secure, "agent_on")
    base = f"/poste/appels/{secure.foreign_attempt_id}"
    seen = [client.get(base)]
    for action in ("code", "resultat", "raccrocher"):
        seen.append(client.post(f"{base}/{action}", data={"csrf_token": caller.csrf}))
    for response in seen:
        assert response.status_code == 403 and "ne vous est pas confié" in response.text
        assert CHILD not in response.text and NIR not in response.text
