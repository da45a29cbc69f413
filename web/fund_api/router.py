"""The fund API: a fund pulls its own result feed with its API token.

``create_fund_router`` takes the app's dependencies (a database session, the data
cipher) and an optional access-trail callback, so this module reads no settings
and holds no connection of its own.

No ``from __future__ import annotations`` here: FastAPI must see the ``Annotated``
dependencies built inside the factory as objects, not as names to resolve later.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response
from fastapi.responses import StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dialer.compliance.feed.reading import read_event
from dialer.compliance.feed.sheet import fund_sheet
from dialer.compliance.feed.tokens import authenticate
from dialer.compliance.feed.wire import event_json
from dialer.contacts.funds import Fund, FundFeed
from dialer.core.columns import require_id
from dialer.core.crypto import DataCipher
from web.bounds import MAX_ID
from web.fund_api import bodies
from web.fund_api.negotiation import MAX_LIMIT, MEDIA_TYPES, FeedFormat, check_limit, choose_format
from web.fund_api.schemas import ONE_RESPONSES, PULL_RESPONSES
from web.fund_api.trail import FeedReadCallback, on_feed_read
from web.refusals import FrenchHTTPException

# seq is an INTEGER column: a larger cursor overflows PostgreSQL's parameter (a 500).
MAX_SEQ = MAX_ID
UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
_bearer = HTTPBearer(auto_error=False, description="Jeton d'API de la caisse (Bearer).")

After = Annotated[
    int,
    Query(
        ge=0,
        le=MAX_SEQ,
        description="Dernier seq déjà traité ; 0 pour tout relire depuis le début.",
        openapi_examples={"début": {"value": 0}, "reprise": {"value": 1200}},
    ),
]
Limit = Annotated[
    int,
    Query(
        ge=1,
        le=max(MAX_LIMIT.values()),
        description="Nombre d'événements au plus (json : 1 000 ; ndjson, csv : 100 000).",
        openapi_examples={"page": {"value": 1000}, "export": {"value": 100000}},
    ),
]
Format = Annotated[
    FeedFormat | None,
    Query(alias="format", description="json, ndjson ou csv ; sinon l'en-tête Accept décide."),
]
Bom = Annotated[bool, Query(description="CSV : commencer par un BOM UTF-8 (pour Excel).")]
FundCode = Annotated[str, Path(min_length=1, max_length=32, description="Code de la caisse.")]
EventId = Annotated[str, Path(pattern=UUID_PATTERN, description="event_id de l'événement.")]


def _unauthorised() -> FrenchHTTPException:
    return FrenchHTTPException(
        401,
        "Jeton d'API absent, inconnu ou révoqué.",
        headers={"WWW-Authenticate": "Bearer"},
    )


def fund_guard(get_session_dependency: Callable[..., Any]) -> Callable[..., Fund]:
    """A dependency giving the token's fund, refusing any other fund's code."""
    DbSession = Annotated[Session, Depends(get_session_dependency)]
    Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]

    def own_fund(fund_code: FundCode, credentials: Credentials, session: DbSession) -> Fund:
        if credentials is None:
            raise _unauthorised()
        fund = authenticate(session, credentials.credentials)
        if fund is None:
            raise _unauthorised()
        session.commit()  # keeps last_used_at
        if fund.code != fund_code:
            raise FrenchHTTPException(
                403, "Ce jeton ne donne accès qu'au flux de sa propre caisse."
            )
        return fund

    return own_fund


def create_fund_router(
    get_session_dependency: Callable[..., Any],
    get_cipher_dependency: Callable[..., DataCipher],
    on_read: FeedReadCallback | None = None,
) -> APIRouter:
    """The routes under ``/api/funds``, tagged « Caisses »."""
    router = APIRouter(prefix="/api/funds", tags=["Caisses"])
    DbSession = Annotated[Session, Depends(get_session_dependency)]
    Cipher = Annotated[DataCipher, Depends(get_cipher_dependency)]
    OwnFund = Annotated[Fund, Depends(fund_guard(get_session_dependency))]

    @router.get(
        "/{fund_code}/results",
        summary="Lire le flux de résultats après un curseur",
        response_model=None,
        responses=PULL_RESPONSES,
    )
    def pull_results(
        request: Request,
        fund: OwnFund,
        session: DbSession,
        cipher: Cipher,
        after: After = 0,
        limit: Limit = 1000,
        feed_format: Format = None,
        bom: Bom = False,
        accept: Annotated[str | None, Header(include_in_schema=False)] = None,
    ) -> Response:
        chosen = choose_format(feed_format, accept)
        check_limit(limit, chosen)
        pull = _Pull(fund, _address(request), after, limit, bom, on_read)
        return pull.respond(session, cipher, chosen)

    @router.get(
        "/{fund_code}/results/{event_id}",
        summary="Relire un événement par son event_id",
        response_model=None,
        responses=ONE_RESPONSES,
    )
    def one_result(
        request: Request, fund: OwnFund, session: DbSession, cipher: Cipher, event_id: EventId
    ) -> Response:
        fund_id = require_id(fund)
        row = read_event(cast(Engine, session.get_bind()), fund_id, event_id)
        if row is None:
            raise FrenchHTTPException(404, "Événement introuvable dans le flux de cette caisse.")
        on_feed_read(fund_id, row.seq, row.seq, _address(request), on_read)
        return Response(event_json(row, cipher), media_type="application/json")

    return router


@dataclass(frozen=True)
class _Pull:
    fund: Fund
    address: str | None
    after: int
    limit: int
    bom: bool
    on_read: FeedReadCallback | None

    def done(self, first: int | None, last: int | None) -> None:
        on_feed_read(require_id(self.fund), first, last, self.address, self.on_read)

    def respond(self, session: Session, cipher: DataCipher, chosen: FeedFormat) -> Response:
        engine = cast(Engine, session.get_bind())
        fund_id = require_id(self.fund)
        headers = {"X-Feed-Last-Seq": str(_last_seq(session, fund_id)), "Cache-Control": "no-store"}
        args = (engine, cipher, fund_id, self.after, self.limit)
        if chosen is FeedFormat.JSON:
            body, first, last = bodies.json_page(*args)
            self.done(first, last)
            return Response(body, media_type=MEDIA_TYPES[chosen], headers=headers)
        if chosen is FeedFormat.NDJSON:
            stream = bodies.ndjson_stream(*args, self.done)
        else:
            stream = bodies.csv_stream(*args, fund_sheet(self.fund), self.bom, self.done)
            name = f"resultats-{self.fund.code}-apres-{self.after}.csv"
            headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return StreamingResponse(stream, media_type=MEDIA_TYPES[chosen], headers=headers)


def _address(request: Request) -> str | None:
    return request.client.host if request.client else None


def _last_seq(session: Session, fund_id: int) -> int:
    feed = session.get(FundFeed, fund_id)
    return feed.last_seq if feed is not None else 0
