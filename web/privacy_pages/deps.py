"""Who may open the DPO's pages, and how their actions are signed in the trail."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from dialer.accounts import Role
from dialer.accounts.models import User
from dialer.compliance.privacy.trail import Requester
from web.deps import require_role

# Individually authorised, very few: the DPO role only (see docs/privacy.md).
DpoUser = Annotated[User, Depends(require_role(Role.DPO))]


def requester(request: Request, user: User) -> Requester:
    address = request.client.host if request.client else None
    return Requester(user.username, user.role, address)
