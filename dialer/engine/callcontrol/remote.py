"""Call control from a web process that does not dial: the worker holding the call acts.

The web side sends a ``steer`` desk command (``dialer.engine.calling.commands``) whose
parameters name the operation and its values; the worker runs it with its own
``AmiSteering`` on the channel it tracks for that attempt, never one the web named,
and checks every value again before it reaches an AMI frame.
"""

from __future__ import annotations

from dialer.engine.callcontrol.steering import Line, Steering
from dialer.engine.calling.commands import REPLY_TIMEOUT_S, STEER, CommandSender, CommandTimeout
from dialer.engine.calling.control import NO_ANSWER_FR, CallControlRefused, Refusal, not_live
from telephony.ami.control import SpyMode

Params = tuple[tuple[str, str], ...]


class RemoteSteering:
    def __init__(self, sender: CommandSender) -> None:
        self._sender = sender

    async def hold(self, line: Line) -> None:
        await self._ask(line, (("op", "hold"),))

    async def resume(self, line: Line) -> None:
        await self._ask(line, (("op", "resume"),))

    async def transfer(self, line: Line, target: str, *, attended: bool) -> None:
        kind = "attended" if attended else "blind"
        await self._ask(line, (("op", "transfer"), ("target", target), ("kind", kind)))

    async def cancel_transfer(self, line: Line) -> None:
        await self._ask(line, (("op", "cancel_transfer"),))

    async def complete_transfer(self, line: Line) -> None:
        await self._ask(line, (("op", "complete_transfer"),))

    async def spy(self, line: Line, phone: str, mode: SpyMode) -> None:
        await self._ask(line, (("op", "spy"), ("phone", phone), ("mode", mode.value)))

    async def _ask(self, line: Line, params: Params) -> None:
        try:
            refused = await self._sender.send(
                line.worker_id, STEER, line.attempt_id, 0, REPLY_TIMEOUT_S, tuple(sorted(params))
            )
        except CommandTimeout:
            raise CallControlRefused(Refusal.NO_ANSWER, NO_ANSWER_FR) from None
        if refused is not None:
            raise refused


async def perform(steering: Steering, line: Line, params: Params) -> None:
    """Worker side: one ``steer`` command on a call this worker tracks."""
    given = dict(params)
    op = given.get("op", "")
    if op == "hold":
        await steering.hold(line)
    elif op == "resume":
        await steering.resume(line)
    elif op == "transfer":
        await steering.transfer(
            line, given.get("target", ""), attended=given.get("kind") == "attended"
        )
    elif op == "cancel_transfer":
        await steering.cancel_transfer(line)
    elif op == "complete_transfer":
        await steering.complete_transfer(line)
    elif op == "spy" and given.get("mode") in set(SpyMode):
        await steering.spy(line, given.get("phone", ""), SpyMode(given["mode"]))
    else:
        raise not_live()
