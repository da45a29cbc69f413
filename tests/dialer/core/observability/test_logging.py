"""Records carry the attempt they are about, no personal data, and the chosen format."""

from __future__ import annotations

import asyncio
import io
import json
import logging

from dialer.core.observability.logging import (
    bound_attempt,
    configure_logging,
    install_log_context,
)
from dialer.core.settings import Settings
from tests.dialer.core.observability.conftest import ListHandler

log = logging.getLogger("dialer.engine.calling.test")


def test_arguments_and_messages_are_redacted(captured: ListHandler) -> None:
    install_log_context()
    logging.getLogger().setLevel(logging.DEBUG)
    log.info("calling %s for %s", "+33612345678", "lea@example.fr")
    log.warning({"nir": "185057800608436"})
    [first, second] = captured.records
    assert first.getMessage() == "calling [téléphone] for [email]"
    assert "185057800608436" not in second.getMessage()


def test_clean_arguments_are_kept_for_formatters_that_read_them(captured: ListHandler) -> None:
    install_log_context()
    logging.getLogger().setLevel(logging.DEBUG)
    # uvicorn's access formatter unpacks these five arguments itself.
    access = ("10.0.0.1:5000", "GET", "/desk?tel=0612345678", "1.1", 200)
    # A logger of our own: uvicorn reconfigures its own (no propagation) once a server ran.
    logging.getLogger("tests.access_like").info('%s - "%s %s HTTP/%s" %d', *access)
    [record] = captured.records
    assert isinstance(record.args, tuple) and len(record.args) == 5
    assert record.args[4] == 200
    assert record.getMessage() == '10.0.0.1:5000 - "GET /desk?tel=[téléphone] HTTP/1.1" 200'


def test_exception_text_is_redacted(captured: ListHandler) -> None:
    install_log_context()
    try:
        raise ValueError("duplicate key (phone_e164)=(+33612345678)")
    except ValueError:
        log.exception("insert failed")
    [record] = captured.records
    assert record.exc_text is not None
    assert "+33612345678" not in record.exc_text and "[téléphone]" in record.exc_text
    text = logging.Formatter().format(record)
    assert "+33612345678" not in text


async def test_attempt_id_follows_the_call_into_threads(captured: ListHandler) -> None:
    install_log_context()
    logging.getLogger().setLevel(logging.DEBUG)

    async def one_call(attempt_id: int) -> None:
        with bound_attempt(attempt_id):
            log.info("placing")
            await asyncio.sleep(0)
            await asyncio.to_thread(log.info, "stored")

    await asyncio.gather(one_call(11), one_call(12))
    log.info("outside")
    by_message: dict[str, list[int | None]] = {}
    for record in captured.records:
        by_message.setdefault(record.getMessage(), []).append(record.attempt_id)  # type: ignore[attr-defined]
    assert sorted(by_message["placing"]) == [11, 12]  # type: ignore[type-var]
    assert sorted(by_message["stored"]) == [11, 12]  # type: ignore[type-var]
    assert by_message["outside"] == [None]


def test_json_lines_name_the_attempt(restore_logging: None) -> None:
    stream = io.StringIO()
    configure_logging(Settings(log_json=True), level=logging.DEBUG, stream=stream)
    with bound_attempt("42"):
        log.info("call ended: %s", "busy")
    log.info("tick")
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["attempt_id"] == 42 and first["message"] == "call ended: busy"
    assert first["level"] == "info" and first["logger"] == "dialer.engine.calling.test"
    assert "attempt_id" not in second


def test_configure_replaces_its_handler_and_quiets_sql(restore_logging: None) -> None:
    root = logging.getLogger()
    before = len(root.handlers)
    configure_logging(Settings(), level=logging.DEBUG, stream=io.StringIO())
    stream = io.StringIO()
    configure_logging(Settings(), level=logging.DEBUG, stream=stream)
    assert len(root.handlers) == before + 1
    # SQL parameters are people's data: never logged, even at DEBUG.
    assert not logging.getLogger("sqlalchemy.engine.Engine").isEnabledFor(logging.INFO)
    with bound_attempt(7):
        log.debug("call update: %s", "ringing")
    assert "[attempt_id=7]" in stream.getvalue()
    assert "call update: ringing" in stream.getvalue()
