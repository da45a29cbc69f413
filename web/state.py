"""What the web app holds for its lifetime, built once by the composition root."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from fastapi import Request
from fastapi.templating import Jinja2Templates

from dialer.core.columns import utcnow
from dialer.core.kept_connections import KeptConnections
from dialer.core.runtime import Runtime
from web.dialing import Dialing
from web.imports.tracker import ImportTracker
from web.security.client_address import Network


@dataclass
class WebState:
    runtime: Runtime
    templates: Jinja2Templates
    imports: ImportTracker
    # Set by the lifespan; before it (a test client never started) nothing dials.
    dialing: Dialing
    # The dialer's notion of now (a simulated day runs faster than the wall clock).
    clock: Callable[[], datetime] = utcnow
    # Whose X-Forwarded-For names the client (DIALER_TRUSTED_PROXIES).
    trusted_proxies: tuple[Network, ...] = ()
    login_address_failures: int = 300
    # PostgreSQL: connections kept open for the screen pops' checks and trail entries.
    pop_connections: KeptConnections | None = None

    @property
    def secret_key(self) -> str:
        return self.runtime.settings.secret_key.get_secret_value()


def web_state(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state
