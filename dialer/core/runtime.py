"""The pieces every entry point needs, built once from the settings."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from dialer.core.crypto import DataCipher, load_key_ring
from dialer.core.db import make_engine
from dialer.core.observability.logging import configure_logging, install_log_context
from dialer.core.observability.metrics import DialerMetrics
from dialer.core.settings import Settings


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    cipher: DataCipher
    metrics: DialerMetrics = field(default_factory=DialerMetrics)


def build_runtime(settings: Settings, create_keys: bool = True) -> Runtime:
    # Every entry point builds a runtime: from here on no log line carries personal data.
    install_log_context()
    if settings.log_json:
        configure_logging(settings)
    inline = settings.data_key.get_secret_value() if settings.data_key else None
    ring = load_key_ring(settings.data_key_file, inline, create=create_keys)
    engine = make_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout_s,
    )
    return Runtime(settings=settings, engine=engine, cipher=DataCipher(ring))
