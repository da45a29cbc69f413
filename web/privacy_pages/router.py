"""Every DPO page on one router: ``app.include_router(router)``."""

from __future__ import annotations

from fastapi import APIRouter

from web.privacy_pages import people, register_pages, trail_pages

router = APIRouter()
router.include_router(people.router)
router.include_router(trail_pages.router)
router.include_router(register_pages.router)
