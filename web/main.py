"""The composition root: settings are read here, adapters built and handed down."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import Scope

import dialer.models  # noqa: F401  (registers the tables)
from dialer import migrate
from dialer.calling.bridge import bridge_for
from dialer.calling.commands import command_sender_for
from dialer.calling.events import ScreenPopBus
from dialer.importing.jobs import recover_interrupted_jobs
from dialer.importing.report import number_fr
from dialer.models import utcnow
from dialer.runtime import Runtime, build_runtime
from dialer.service import DialerService
from dialer.settings import Settings
from scripts.versions import ensure_default_versions
from web import health, metrics
from web.desk import calls as desk_calls
from web.desk import router as desk
from web.errors import install_error_handlers
from web.fund_docs import router as fund_docs
from web.fund_wiring import fund_results_router
from web.imports.tracker import ImportTracker
from web.live import router as live
from web.pages import admin, agents, auth, campaigns, home, import_columns, imports
from web.privacy_pages.router import router as privacy_pages
from web.scripts_pages import router as scripts_pages
from web.security.body_limit import BodySizeLimitMiddleware
from web.security.csrf import csrf_guard
from web.security.headers import SecurityHeadersMiddleware
from web.security.ratelimit import SlidingWindowLimiter
from web.security.sessions import SESSION_COOKIE, SESSION_MAX_AGE_S
from web.state import WebState
from web.waves_pages import router as waves_pages

HERE = Path(__file__).parent
FORM_MAX_BYTES = 1024 * 1024
# Multipart framing and the CSRF field around the file itself.
UPLOAD_OVERHEAD_BYTES = 1024 * 1024
LOGIN_ATTEMPTS_PER_ADDRESS = 20
LOGIN_WINDOW_S = 300.0


ServiceFactory = Callable[[Runtime], DialerService]


def create_app(
    settings: Settings | None = None,
    *,
    run_dialer: bool = False,
    clock: Callable[[], datetime] = utcnow,
    service_factory: ServiceFactory | None = None,
) -> FastAPI:
    """The web app; with ``run_dialer`` its lifespan also runs the dialing service.

    ``clock`` and ``service_factory`` let a simulated day (``dialer day``) run the
    desk and the dialer on one accelerated clock; production keeps the defaults.
    """
    runtime = build_runtime(settings or Settings())
    prepare_database(runtime.engine)
    # Imports killed with the previous service stored nothing; their jobs are closed here.
    recover_interrupted_jobs(runtime.engine)
    ensure_default_versions(runtime.engine)
    state = _web_state(runtime)
    state.clock = clock
    make_service = service_factory or (lambda rt: DialerService(rt, clock=clock))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        service = make_service(runtime) if run_dialer else None
        app.state.dialer = service
        # Screen pops of dialer workers in other processes arrive through PostgreSQL.
        app.state.screen_pops = service.bus if service is not None else ScreenPopBus()
        listener = service.bridge if service else bridge_for(runtime.engine, app.state.screen_pops)
        # Without a dialer here, the desk's hang-ups and preview calls go to the workers.
        commands = None if service else command_sender_for(runtime.engine)
        app.state.desk_commands = commands
        if service is not None:
            await service.start()
        if listener is not None:
            listener.start_listener()
        if commands is not None:
            commands.start()
        try:
            yield
        finally:
            if commands is not None:
                await commands.close()
            if service is not None:
                await service.stop()
            elif listener is not None:
                await listener.close()
            state.imports.shutdown()

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
    _add_middleware(app, runtime.settings)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for module in (health, metrics, auth, home, campaigns, imports, import_columns, agents, admin):
        app.include_router(module.router)
    for module in (desk, desk_calls, live, scripts_pages):
        app.include_router(module.router)
    app.include_router(waves_pages.router)
    app.include_router(fund_results_router(runtime.engine))
    app.include_router(privacy_pages)
    app.include_router(fund_docs.router)
    return app


def create_service_app() -> FastAPI:
    """Pages and dialing from ``DIALER_`` settings.

    ``uvicorn --factory web.main:create_service_app`` serves it.
    """
    return create_app(run_dialer=True)


def prepare_database(engine: Engine) -> None:
    """Migrate when the project has migrations, else create the tables directly."""
    versions = migrate.MIGRATIONS_DIR / "versions"
    if any(path.name != "__init__.py" for path in versions.glob("*.py")):
        migrate.upgrade(engine)
    else:
        SQLModel.metadata.create_all(engine)


def _web_state(runtime: Runtime) -> WebState:
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.filters["nombre"] = number_fr  # « 12 345 », as French readers expect
    return WebState(
        runtime=runtime,
        templates=templates,
        login_limiter=SlidingWindowLimiter(LOGIN_ATTEMPTS_PER_ADDRESS, LOGIN_WINDOW_S),
        imports=ImportTracker(runtime),
    )


def _add_middleware(app: FastAPI, settings: Settings) -> None:
    upload_limit = settings.import_max_bytes + UPLOAD_OVERHEAD_BYTES

    def limit_for(scope: Scope) -> int:
        return (
            upload_limit if imports.is_upload_path(str(scope.get("path", ""))) else FORM_MAX_BYTES
        )

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
