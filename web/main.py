"""The composition root: settings are read here, adapters built and handed down."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import Scope

import dialer.operations.schema  # noqa: F401  (registers the tables)
from dialer.core.columns import utcnow
from dialer.core.heap import start_up_heap_frozen
from dialer.core.kept_connections import KeptConnections
from dialer.core.runtime import Runtime, build_runtime
from dialer.core.settings import Settings
from dialer.core.thread_switching import quick_thread_switches
from dialer.engine.calling.bridge import bridge_for
from dialer.engine.calling.commands import command_sender_for
from dialer.engine.calling.control import NoCallControl
from dialer.engine.calling.events import ScreenPopBus
from dialer.engine.service import DialerService
from dialer.operations.embedded import embedded_pbx
from web import health, metrics
from web.campaign_pages import edit as campaign_edit
from web.campaign_pages import moves as campaign_moves
from web.campaign_pages import oppositions
from web.campaign_pages import retry as campaign_retry
from web.contacts_pages import router as contacts_pages
from web.desk import call_control as desk_control
from web.desk import calls as desk_calls
from web.desk import comforts as desk_comforts
from web.desk import router as desk
from web.dialing import Dialing, call_control_for, steering_for
from web.errors import install_error_handlers
from web.formats import install_filters
from web.fund_docs import router as fund_docs
from web.fund_wiring import fund_results_router
from web.imports.tracker import ImportTracker
from web.live import router as live
from web.openapi_doc import install_page_documentation
from web.pages import (
    admin,
    admin_accounts,
    agents,
    auth,
    campaigns,
    home,
    import_columns,
    imports,
    password,
)
from web.privacy_pages.router import router as privacy_pages
from web.reports_pages import router as reports_pages
from web.scripts_pages import router as scripts_pages
from web.security.body_limit import BodySizeLimitMiddleware
from web.security.client_address import proxy_networks
from web.security.csrf import csrf_guard
from web.security.headers import SecurityHeadersMiddleware
from web.security.sessions import SESSION_COOKIE, SESSION_MAX_AGE_S
from web.state import WebState
from web.supervision import router as supervision
from web.supervision import settings as supervision_settings
from web.waves_pages import router as waves_pages

HERE = Path(__file__).parent
FORM_MAX_BYTES = 1024 * 1024
# Multipart framing and the CSRF field around the file itself.
UPLOAD_OVERHEAD_BYTES = 1024 * 1024


ServiceFactory = Callable[[Runtime], DialerService]


def create_app(
    settings: Settings | None = None,
    *,
    run_dialer: bool = False,
    clock: Callable[[], datetime] = utcnow,
    service_factory: ServiceFactory | None = None,
) -> FastAPI:
    """The web app; with ``run_dialer`` its lifespan also runs the dialing service.

    ``clock`` and ``service_factory`` let a simulated day (``dialer-day``) run the
    desk and the dialer on one accelerated clock; production keeps the defaults.
    """
    # Reads only: the key file, the schema and the scripts come from ``dialer prestart``.
    runtime = build_runtime(settings or Settings(), create_keys=False)
    state = _web_state(runtime, clock)
    make_service = service_factory or (
        lambda rt: DialerService(rt, clock=clock, pbx=embedded_pbx(rt.settings))
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        service = make_service(runtime) if run_dialer else None
        # Screen pops of dialer workers in other processes arrive through PostgreSQL.
        screen_pops = service.bus if service is not None else ScreenPopBus()
        listener = service.bridge if service else bridge_for(runtime.engine, screen_pops)
        # Without a dialer here, the desk's hang-ups and preview calls go to the workers.
        commands = None if service else command_sender_for(runtime.engine)
        control = call_control_for(service, commands, runtime.engine, clock)
        state.dialing = Dialing(control, screen_pops, service, steering_for(service, commands))
        if service is not None:
            await service.start()
        if listener is not None:
            listener.start_listener()
        if commands is not None:
            commands.start()
        try:
            with start_up_heap_frozen(), quick_thread_switches():
                yield
        finally:
            if commands is not None:
                await commands.close()
            if service is not None:
                await service.stop()
            elif listener is not None:
                await listener.close()
            close_state(state)

    app = FastAPI(
        title="Numéroteur de campagnes sortantes",
        lifespan=lifespan,
        dependencies=[Depends(csrf_guard)],
        docs_url=None,
        redoc_url=None,
    )
    app.state.runtime = runtime
    app.state.web = state
    install_error_handlers(app)
    install_page_documentation(app)
    _add_middleware(app, runtime.settings)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    pages = (
        health, metrics, auth, password, home, campaigns, imports, import_columns, agents, admin,
        admin_accounts, campaign_moves, campaign_edit, campaign_retry, oppositions,
    )  # fmt: skip
    for module in pages:
        app.include_router(module.router)
    for module in (desk, desk_calls, desk_comforts, desk_control, live, scripts_pages, supervision):
        app.include_router(module.router)
    app.include_router(supervision_settings.router)
    app.include_router(waves_pages.router)
    app.include_router(contacts_pages.router)
    app.include_router(reports_pages.router)
    app.include_router(fund_results_router(runtime.engine))
    app.include_router(privacy_pages)
    app.include_router(fund_docs.router)
    return app


def create_service_app() -> FastAPI:
    """Pages and dialing from ``DIALER_`` settings (``dialer serve``).

    ``uvicorn --factory web.main:create_service_app`` serves it.
    """
    return create_app(_settings_fit_to_serve(), run_dialer=True)


def create_web_app() -> FastAPI:
    """Pages only, from ``DIALER_`` settings: the web processes of a production install.

    ``uvicorn --factory web.main:create_web_app`` serves it (deploy/systemd).
    """
    return create_app(_settings_fit_to_serve())


def _settings_fit_to_serve() -> Settings:
    settings = Settings()
    settings.check_fit_to_serve()
    return settings


def _web_state(runtime: Runtime, clock: Callable[[], datetime]) -> WebState:
    templates = Jinja2Templates(directory=HERE / "templates")
    install_filters(templates.env)
    return WebState(
        runtime=runtime,
        templates=templates,
        trusted_proxies=proxy_networks(runtime.settings.trusted_proxies),
        login_address_failures=runtime.settings.login_address_failures,
        imports=ImportTracker(runtime),
        dialing=Dialing(NoCallControl(runtime.engine, clock)),
        clock=clock,
        pop_connections=KeptConnections.for_engine(runtime.engine),
    )


def close_state(state: WebState) -> None:
    """What the web state holds open, closed (the lifespan's end)."""
    state.imports.shutdown()
    if state.pop_connections is not None:
        state.pop_connections.close()


def _is_upload(path: str) -> bool:
    return imports.is_upload_path(path) or oppositions.is_upload_path(path)


def _add_middleware(app: FastAPI, settings: Settings) -> None:
    upload_limit = settings.import_max_bytes + UPLOAD_OVERHEAD_BYTES

    def limit_for(scope: Scope) -> int:
        return upload_limit if _is_upload(str(scope.get("path", ""))) else FORM_MAX_BYTES

    # Added innermost first: the headers wrap everything, the size limit runs before parsing.
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key.get_secret_value(),
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE_S,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.add_middleware(BodySizeLimitMiddleware, limit_for=limit_for)
    app.add_middleware(SecurityHeadersMiddleware)
