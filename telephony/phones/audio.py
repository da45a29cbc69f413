"""Sounds a virtual person makes, as pyVoIP wants them: 8-bit unsigned PCM, 8 kHz.

Asterisk's AMD() only measures energy, so a tone burst is a "word" and the
gaps between bursts are the pauses between words. A short hello followed by
silence reads as HUMAN; word after word for seconds reads as MACHINE.
"""

from __future__ import annotations

import math

SAMPLE_RATE = 8000
SILENCE_BYTE = 0x80  # the zero level of unsigned 8-bit PCM
_AMPLITUDE = 90  # about -3 dBFS: far above AMD's silence_threshold of 256/32768
_TONE_HZ = 440.0


def silence(seconds: float) -> bytes:
    return bytes([SILENCE_BYTE]) * _samples(seconds)


def tone(seconds: float, hz: float = _TONE_HZ) -> bytes:
    step = 2 * math.pi * hz / SAMPLE_RATE
    return bytes(
        SILENCE_BYTE + round(_AMPLITUDE * math.sin(step * i)) for i in range(_samples(seconds))
    )


def hello() -> bytes:
    """A short "Allô ?": one word of 0.5 s."""
    return tone(0.5)


def greeting(seconds: float = 4.0, word_s: float = 0.35, gap_s: float = 0.15) -> bytes:
    """An answering machine's message: words separated by short pauses."""
    word, gap = tone(word_s), silence(gap_s)
    count = max(1, int(seconds / (word_s + gap_s)))
    return (word + gap) * count


def duration(pcm: bytes) -> float:
    return len(pcm) / SAMPLE_RATE


def _samples(seconds: float) -> int:
    if seconds < 0:
        raise ValueError(f"a duration cannot be negative: {seconds}")
    return round(seconds * SAMPLE_RATE)
