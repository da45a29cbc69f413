"""Registers every sub-command module on the ``dialer`` app."""

from __future__ import annotations
