"""Every room's tables, imported together so that SQLModel.metadata knows them all.

For migrations and the tests' schemas only: code imports a table from its own room.
"""

from consent.models import ConsentEntry
from dialer.accounts.models import AgentPresence, LoginThrottle, User, UserSession
from dialer.accounts.state_history import AgentStateChange
from dialer.campaigns.attempts import CallAttempt, Outcome
from dialer.campaigns.importing.models import ColumnAlias, ImportJob, ImportStatus
from dialer.campaigns.models import Campaign, CampaignAgent, CampaignStatus, Wave, WaveMember
from dialer.campaigns.retry_versions import RetryPolicyVersion
from dialer.campaigns.selection.models import LiveCallLock
from dialer.campaigns.supervision import CampaignSupervisor, SupervisionPolicy, TransferDestination
from dialer.compliance.feed.models import FeedEvent
from dialer.compliance.privacy.models import (
    AccessEntry,
    DailyStat,
    RightsRequest,
    RightsRequestStep,
)
from dialer.contacts.funds import Fund, FundFeed, FundToken
from dialer.contacts.people.models import CampaignContact, ContactStatus, Person
from dialer.core.columns import utcnow
from dialer.engine.callcontrol.models import CallControlEntry, HelpRequest
from dialer.engine.models import TRUNK_STATE_FRESH_FOR, TrunkState, WorkerHeartbeat
from dialer.engine.reports.models import (
    ReportAgentHour,
    ReportAgentState,
    ReportHour,
    ReportWatermark,
)
from scripts.models import ScriptVersion

__all__ = [
    "TRUNK_STATE_FRESH_FOR",
    "TrunkState",
    "AccessEntry",
    "AgentPresence",
    "AgentStateChange",
    "CallAttempt",
    "CallControlEntry",
    "CampaignSupervisor",
    "HelpRequest",
    "SupervisionPolicy",
    "TransferDestination",
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
    "RightsRequest",
    "RightsRequestStep",
    "ReportAgentHour",
    "ReportAgentState",
    "ReportHour",
    "ReportWatermark",
    "RetryPolicyVersion",
    "ScriptVersion",
    "User",
    "UserSession",
    "Wave",
    "WaveMember",
    "WorkerHeartbeat",
    "utcnow",
]
