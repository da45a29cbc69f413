"""Log records that carry the call they are about and no personal data.

``install_log_context`` wraps the record factory, so every record of every
logger, whatever handler ends up writing it, is redacted (see ``redaction``) and
carries ``attempt_id`` when the code that logged it runs inside ``bound_attempt``.
``configure_logging`` chooses where the lines go and how (JSON for production).
"""

from __future__ import annotations

import contextvars
import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TextIO

from dialer.core.observability.redaction import redact
from dialer.core.settings import Settings

current_attempt: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "current_attempt", default=None
)

# SQL parameters are people's names and numbers: these loggers never go below WARNING.
QUIET_LOGGERS = ("sqlalchemy.engine", "sqlalchemy.pool", "httpx", "httpcore")
_HANDLER_NAME = "dialer-observability"
_BASE_FACTORY = logging.getLogRecordFactory()


@contextmanager
def bound_attempt(attempt_id: int | str | None) -> Iterator[None]:
    """Every record logged inside the block (threads started with ``to_thread`` too)
    names the attempt."""
    value = int(attempt_id) if attempt_id is not None and str(attempt_id).isdigit() else None
    token = current_attempt.set(value)
    try:
        yield
    finally:
        current_attempt.reset(token)


def _redacted_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _BASE_FACTORY(*args, **kwargs)
    record.attempt_id = current_attempt.get()
    _redact_message(record)
    if record.exc_info and record.exc_info[0] is not None:
        # Exception texts quote SQL parameters and values: redact them too.
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    return record


def _message_of(record: logging.LogRecord) -> str:
    try:
        return record.getMessage()
    except (TypeError, ValueError):
        return str(record.msg)


def _redact_message(record: logging.LogRecord) -> None:
    message = _message_of(record)
    clean = redact(message)
    if clean == message:
        return
    # Formatters such as uvicorn's access log read the arguments themselves: keep
    # them, redacted one by one, whenever that yields a clean message.
    if isinstance(record.args, tuple):
        original = (record.msg, record.args)
        record.msg = redact(str(record.msg))
        record.args = tuple(_redact_arg(arg) for arg in record.args)
        message = _message_of(record)
        if redact(message) == message:
            return
        record.msg, record.args = original
    record.msg, record.args = clean, None


def _redact_arg(arg: object) -> object:
    text = str(arg)
    clean = redact(text)
    return arg if clean == text else clean


def install_log_context() -> None:
    """Redaction and ``attempt_id`` on every record of the process (idempotent)."""
    logging.setLogRecordFactory(_redacted_record)


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for the log shipper."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        attempt = getattr(record, "attempt_id", None)
        if attempt is not None:
            line["attempt_id"] = attempt
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(self.formatException(record.exc_info))
        if record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s%(attempt)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        attempt = getattr(record, "attempt_id", None)
        record.attempt = f" [attempt_id={attempt}]" if attempt is not None else ""
        return super().format(record)


def formatter_for(settings: Settings) -> logging.Formatter:
    return JsonFormatter() if settings.log_json else TextFormatter()


def configure_logging(
    settings: Settings, *, level: int = logging.INFO, stream: TextIO | None = None
) -> logging.Handler:
    """One handler on the root logger (replacing the one an earlier call installed);
    uvicorn's own handlers get the same format."""
    install_log_context()
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(formatter_for(settings))
    root.addHandler(handler)
    root.setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        for uvicorn_handler in logging.getLogger(name).handlers:
            uvicorn_handler.setFormatter(formatter_for(settings))
    return handler
