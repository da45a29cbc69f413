import pytest

from telephony.phones import audio

# AMD's defaults (asterisk/amd.conf), on 16-bit samples, 20-ms frames.
SILENCE_THRESHOLD = 256
MIN_WORD_MS = 100
MAX_WORDS = 2
FRAME = 160


def words(pcm: bytes) -> int:
    """Count bursts of sound at least MIN_WORD_MS long, as AMD does."""
    count, voiced_ms, in_word = 0, 0, False
    for start in range(0, len(pcm), FRAME):
        frame = pcm[start : start + FRAME]
        peak = max(abs(b - audio.SILENCE_BYTE) for b in frame) * 256
        if peak > SILENCE_THRESHOLD:
            voiced_ms += 20
            if voiced_ms >= MIN_WORD_MS and not in_word:
                count, in_word = count + 1, True
        else:
            voiced_ms, in_word = 0, False
    return count


def test_silence_is_the_zero_level() -> None:
    assert audio.silence(0.02) == bytes([0x80]) * 160


def test_hello_is_one_word_of_half_a_second() -> None:
    pcm = audio.hello()
    assert audio.duration(pcm) == pytest.approx(0.5)
    assert words(pcm) == 1


def test_greeting_has_more_words_than_amd_allows_a_person() -> None:
    pcm = audio.greeting(seconds=4.0)
    assert words(pcm) > MAX_WORDS
    assert audio.duration(pcm) == pytest.approx(4.0, abs=0.5)


def test_tone_stays_within_unsigned_8_bit() -> None:
    pcm = audio.tone(0.1)
    assert min(pcm) > 0 and max(pcm) < 255
    assert max(pcm) - min(pcm) > 100


def test_negative_duration_is_an_error() -> None:
    with pytest.raises(ValueError):
        audio.silence(-1)
