"""The result feed sent back to the commissioning fund: outbox, tokens, reading, push.

Events are written in the caller's transaction (``outbox``), numbered without gaps
per fund, then either pulled by the fund through the fund API or pushed to its
webhook (``push``). ``docs/funds.md`` is the guide a fund's developers read.
"""

from dialer.compliance.feed.kinds import EventKind
from dialer.compliance.feed.outbox import emit_event, emit_outcome_events

__all__ = ["EventKind", "emit_event", "emit_outcome_events"]
