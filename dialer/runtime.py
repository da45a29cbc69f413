"""The pieces every entry point needs, built once from the settings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from dialer.db import make_engine
from dialer.privacy.crypto import DataCipher, load_key_ring
from dialer.settings import Settings


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    cipher: DataCipher


def build_runtime(settings: Settings, create_keys: bool = True) -> Runtime:
    inline = settings.data_key.get_secret_value() if settings.data_key else None
    ring = load_key_ring(settings.data_key_file, inline, create=create_keys)
    return Runtime(
        settings=settings, engine=make_engine(settings.database_url), cipher=DataCipher(ring)
    )
