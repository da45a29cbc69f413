"""The data protection officer's pages: rights requests, access trail, retention.

Wire with ``app.include_router(web.privacy_pages.router.router)``; the pages
render with their own templates folder, falling back on ``web/templates`` for
``base.html``.
"""
