"""FastAPI dependencies: a route's signature says what it needs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session
from starlette.datastructures import FormData

from dialer.accounts import Role
from dialer.accounts.models import User
from dialer.core.columns import utcnow
from dialer.core.runtime import Runtime
from dialer.engine.calling.control import CallControl
from dialer.engine.calling.events import ScreenPopBus
from dialer.engine.service import DialerService

# Re-exported: routes take the bounded ids with their other dependencies.
from web.bounds import IdPath as IdPath
from web.bounds import IdQuery as IdQuery
from web.refusals import NotAuthenticated, PasswordChangeRequired, french_error
from web.security.sessions import session_matches, session_user_id
from web.state import WebState, web_state


def get_runtime(request: Request) -> Runtime:
    return web_state(request).runtime


def get_db(request: Request) -> Iterator[Session]:
    with Session(web_state(request).runtime.engine, expire_on_commit=False) as session:
        yield session


async def get_form(request: Request) -> FormData:
    return await request.form()


def current_time(request: Request) -> datetime:
    return web_state(request).clock()


def get_call_control(request: Request) -> CallControl:
    return web_state(request).dialing.control


def get_screen_pops(request: Request) -> ScreenPopBus | None:
    return web_state(request).dialing.screen_pops


def get_local_dialer(request: Request) -> DialerService | None:
    return web_state(request).dialing.service


WebStateDep = Annotated[WebState, Depends(web_state)]
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
DbSession = Annotated[Session, Depends(get_db)]
FormDep = Annotated[FormData, Depends(get_form)]
NowDep = Annotated[datetime, Depends(current_time)]
CallControlDep = Annotated[CallControl, Depends(get_call_control)]
ScreenPopsDep = Annotated[ScreenPopBus | None, Depends(get_screen_pops)]
LocalDialerDep = Annotated[DialerService | None, Depends(get_local_dialer)]


def signed_in_user(request: Request, db: DbSession, state: WebStateDep) -> User:
    """The user whose session is open, even one that must first change its password."""
    # The session's row, not this process's memory: another process may have closed it.
    uid = session_user_id(request.session, db, utcnow())
    user = db.get(User, uid) if uid is not None else None
    if (
        user is None
        or not user.active
        or not session_matches(request.session, user, state.secret_key)
    ):
        if uid is not None:
            request.session.clear()
        raise NotAuthenticated()
    request.state.user = user
    return user


SignedInUser = Annotated[User, Depends(signed_in_user)]


def current_user(user: SignedInUser) -> User:
    # A password set by an administrator opens one page only: the one that replaces it.
    if user.must_change_password:
        raise PasswordChangeRequired()
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def require_role(*roles: Role) -> Callable[[User], User]:
    """A dependency letting through only the signed-in users with one of ``roles``."""
    allowed = frozenset(role.value for role in roles)

    def check(user: CurrentUser) -> User:
        if user.role not in allowed:
            raise french_error(403, "Accès refusé : votre rôle ne permet pas d'ouvrir cette page.")
        return user

    return check


ManagerUser = Annotated[User, Depends(require_role(Role.MANAGER, Role.ADMIN))]
AdminUser = Annotated[User, Depends(require_role(Role.ADMIN))]
