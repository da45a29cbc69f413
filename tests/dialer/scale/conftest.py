"""The dialer tests' clock fixture, shared with the scale tests."""

from tests.dialer.calling.conftest import clock

__all__ = ["clock"]
