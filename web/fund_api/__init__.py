"""The API local funds use to read their result feed (tag « Caisses »)."""

from web.fund_api.router import create_fund_router
from web.fund_api.trail import FeedReadCallback, on_feed_read

__all__ = ["FeedReadCallback", "create_fund_router", "on_feed_read"]
