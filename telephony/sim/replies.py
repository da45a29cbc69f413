"""A response to an action, as Asterisk frames it."""

from __future__ import annotations

from telephony.sim.channels import message


def response(kind: str, action_id: str | None, *pairs: tuple[str, str]) -> str:
    head = [("Response", kind)]
    if action_id is not None:
        head.append(("ActionID", action_id))
    return message([*head, *pairs])
