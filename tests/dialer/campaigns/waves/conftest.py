"""The dialer tests' clock fixture, shared with the wave tests."""

from tests.dialer.engine.calling.conftest import clock

__all__ = ["clock"]
