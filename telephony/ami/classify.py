"""From what Asterisk said about a call to the one result it ends with.

On a SIP trunk every rejection comes back as OriginateResponse ``Reason: 0``;
the real cause is only in the Hangup of the channel whose Uniqueid is our
ChannelId. So the Q.850 cause decides first and ``Reason`` is only a fallback.
"""

from __future__ import annotations

from telephony.results import CallResult

# Q.850 causes. 16 (normal clearing) and 0 (unknown) say nothing about why an
# unanswered call failed, so they are absent and let Reason decide.
CAUSE_RESULTS: dict[str, CallResult] = {
    "1": CallResult.INVALID_NUMBER,  # unallocated number (SIP 404)
    # 2 and 3 (no route to transit network / to destination) are what Asterisk 22
    # says when our own trunk is unreachable or qualified down behind a Local dial
    # template: the carrier was never asked about the number, so they say nothing
    # of the person. Closing the contact on them would empty a campaign's list
    # during a trunk outage.
    "2": CallResult.NETWORK_FAILURE,
    "3": CallResult.NETWORK_FAILURE,
    "22": CallResult.INVALID_NUMBER,  # number changed (SIP 410)
    "28": CallResult.INVALID_NUMBER,  # invalid number format (SIP 484)
    "17": CallResult.BUSY,  # user busy (SIP 486)
    # Call rejected (SIP 403/603, "decline"): the person is there and said
    # not now, which a campaign treats like busy (retry later), not like a
    # broken number.
    "21": CallResult.BUSY,
    "18": CallResult.NO_ANSWER,  # no user responding
    "19": CallResult.NO_ANSWER,  # alerting, no answer; also SIP 480
    "20": CallResult.NO_ANSWER,  # subscriber absent
    # Network-side, transient: worth retrying soon. 41 (temporary failure)
    # belongs here rather than in FAILED because nothing is wrong with the
    # number; the network could not carry the call right now.
    "34": CallResult.CONGESTION,  # no circuit available (SIP 503)
    "38": CallResult.CONGESTION,  # network out of order
    "41": CallResult.CONGESTION,  # temporary failure
    "42": CallResult.CONGESTION,  # switching equipment congestion
    "44": CallResult.CONGESTION,  # requested channel not available
    "47": CallResult.CONGESTION,  # resource unavailable
}

# OriginateResponse Reason (Asterisk's AST_CONTROL_* numbers).
REASON_RESULTS: dict[str, CallResult] = {
    "1": CallResult.NO_ANSWER,  # hung up before answer
    "3": CallResult.NO_ANSWER,  # ring timeout
    "5": CallResult.BUSY,
    "8": CallResult.CONGESTION,
}

ANSWERED_REASON = "4"
NO_CAUSE = frozenset({"", "0"})


def classify_unanswered(
    reason: str, cause: str, other_cause: str, *, channel_seen: bool = True
) -> CallResult:
    """Result of a call that was never answered.

    ``cause`` is the Hangup cause of our ChannelId's channel, ``other_cause``
    the one of OtherChannelId (the ``;2`` half of a Local channel, which is
    where Local carries busy and congestion while ``;1`` says 0).
    ``channel_seen`` is False when the PBX never created our channel.
    """
    result = CAUSE_RESULTS.get(cause) or CAUSE_RESULTS.get(other_cause)
    if result is not None:
        return result
    # Reason 0 and nothing said of the person: no channel at all (endpoint unknown,
    # trunk qualified down: file 50), or a Local pair whose both halves ended with
    # cause 0 (no such extension or context: files 47, 48). Trouble on our side.
    # A pair whose second half never reported stays unexplained: failed.
    nothing_said = reason == "0" and cause in NO_CAUSE and other_cause in NO_CAUSE
    if nothing_said and (not channel_seen or other_cause == "0"):
        return CallResult.NETWORK_FAILURE
    return REASON_RESULTS.get(reason, CallResult.FAILED)


def classify_answered(amd_status: str, abandoned: bool) -> CallResult:
    if amd_status == "MACHINE":
        return CallResult.MACHINE
    if abandoned:
        return CallResult.ABANDONED
    return CallResult.ANSWERED
