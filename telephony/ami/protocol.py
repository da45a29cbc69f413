"""panoramisk 1.4's protocol, made safe for a dialer.

Two changes: every frame is checked before it is written, and on disconnect
the actions still waiting for an answer fail with AmiDisconnected instead of
being queued and re-sent after the reconnect (panoramisk's behaviour, which
would dial an Originate twice).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from panoramisk.actions import Action
from panoramisk.ami_protocol import AMIProtocol

from telephony.ami.errors import AmiDisconnected, AmiNotConnected
from telephony.ami.frames import HeaderValue, check_headers
from telephony.ami.parse import parse_message

_FRAME_END = "\r\n\r\n"


class FirstResponseAction(Action):  # type: ignore[misc]
    """Completes on the first Response.

    panoramisk keeps an ``Async: true`` Originate open until its
    OriginateResponse event, so that event would never reach the call state
    machine; here the event is dispatched like any other.
    """

    def add_message(self, message: Any) -> bool:
        self.responses.append(message)
        if not self.future.done():
            self.future.set_result(message)
        return True


class ListAction(Action):  # type: ignore[misc]
    """Collects ``EventList: start`` ... ``...Complete`` (panoramisk's own logic)."""


def make_action(headers: Mapping[str, HeaderValue], as_list: bool) -> Action:
    check_headers(headers)
    return (ListAction if as_list else FirstResponseAction)(dict(headers))


class SafeAmiProtocol(AMIProtocol):  # type: ignore[misc]
    closed: bool
    version: str | None
    _lost_reported: bool

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self._lost_reported = False

    def send(self, data: Any, as_list: bool | None = None) -> Any:
        if not isinstance(data, Action):
            raise TypeError("build actions with make_action()")
        check_headers(data)
        if self.closed:
            raise AmiNotConnected("AMI connection is closed")
        return super().send(data, as_list=data.as_list)

    def data_received(self, data: bytes) -> None:
        # panoramisk's own loop (banner, partial frame kept for the next read),
        # with the cheaper parse_message and without save_stream, never set here.
        text = data.decode(getattr(self, "encoding", "ascii"), "ignore")
        if self.version is None and text.startswith("Asterisk Call Manager/"):
            self.version = text.partition("\r\n")[0].partition("/")[2].strip()
            self.log.info("protocol version: '%s'", self.version)
        if self.queue:
            text = self.queue.popleft() + text
        frames = text.split(_FRAME_END)
        self.queue.append(frames.pop())
        for frame in frames:
            message = parse_message(frame.strip())
            self.log.debug("message interpreted: %r", message)
            if message is not None:
                self.handle_message(message)

    def handle_message(self, message: Any) -> None:
        # Same routing as panoramisk's, but an event is never swallowed as the
        # answer to a single-response action (an OriginateResponse carries the
        # Originate's ActionID and must reach the call state machine), and
        # nothing is looked up while no action is pending.
        action = self.responses.get(message.id) if self.responses else None
        if action is not None and not (
            isinstance(action, FirstResponseAction) and "event" in message
        ):
            if action.add_message(message):
                self.responses.pop(action.id, None)
            return
        if "event" in message:
            if message["event"].lower() == "shutdown":
                self.connection_lost(message)
            self.factory.dispatch(message)

    def forget(self, action: Action) -> None:
        """Stop waiting for an action (timed out): a late answer is dropped."""
        self.responses.pop(action.id, None)

    def close(self) -> None:
        pending = list(self.responses.values())
        self.responses.clear()
        for action in pending:
            if not action.future.done():
                action.future.set_exception(AmiDisconnected(f"{action['Action']}: connection lost"))
        if not self.closed:
            self.closed = True
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        # panoramisk only reports the loss when it did not close the socket
        # itself; a keep-alive failure closes it first and must be reported too.
        self.close()
        if not self._lost_reported and self.factory is not None:
            self._lost_reported = True
            self.factory.connection_lost(exc)
