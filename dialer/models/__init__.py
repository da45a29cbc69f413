"""The data model. Importing this package registers every table on SQLModel.metadata."""

from consent.models import ConsentEntry
from dialer.models.accounts import AgentPresence, LoginThrottle, User, UserSession
from dialer.models.base import utcnow
from dialer.models.calls import CallAttempt, Outcome
from dialer.models.campaigns import Campaign, CampaignAgent, CampaignStatus, Wave, WaveMember
from dialer.models.feed import FeedEvent
from dialer.models.funds import Fund, FundFeed, FundToken
from dialer.models.imports import ColumnAlias, ImportJob, ImportStatus
from dialer.models.locks import LiveCallLock
from dialer.models.people import CampaignContact, ContactStatus, Person
from dialer.models.trail import AccessEntry, DailyStat
from dialer.models.workers import TRUNK_STATE_FRESH_FOR, TrunkState, WorkerHeartbeat
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
    "CampaignStatus",
    "ColumnAlias",
    "ContactStatus",
    "ConsentEntry",
    "DailyStat",
    "FeedEvent",
    "Fund",
    "FundFeed",
    "FundToken",
    "ImportJob",
    "ImportStatus",
    "LiveCallLock",
    "LoginThrottle",
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
