"""The data model. Importing this package registers every table on SQLModel.metadata."""

from consent.models import ConsentEntry
from dialer.models.accounts import AgentPresence, User, UserSession
from dialer.models.base import utcnow
from dialer.models.calls import TRUNK_STATE_FRESH_FOR, CallAttempt, Outcome, TrunkState
from dialer.models.campaigns import Campaign, CampaignAgent, Wave, WaveMember
from dialer.models.feed import FeedEvent
from dialer.models.funds import Fund, FundFeed, FundToken
from dialer.models.imports import ColumnAlias, ImportJob
from dialer.models.locks import LiveCallLock
from dialer.models.people import CampaignContact, Person
from dialer.models.stats import DailyStat
from dialer.models.trail import AccessEntry
from dialer.models.workers import WorkerHeartbeat
from scripts.models import ScriptVersion

__all__ = [
    "TRUNK_STATE_FRESH_FOR",
    "TrunkState",
    "AccessEntry",
    "AgentPresence",
    "CallAttempt",
    "Campaign",
    "CampaignAgent",
    "CampaignContact",
    "ColumnAlias",
    "ConsentEntry",
    "DailyStat",
    "FeedEvent",
    "Fund",
    "FundFeed",
    "FundToken",
    "ImportJob",
    "LiveCallLock",
    "Outcome",
    "Person",
    "ScriptVersion",
    "User",
    "UserSession",
    "Wave",
    "WaveMember",
    "WorkerHeartbeat",
    "utcnow",
]
