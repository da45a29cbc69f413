"""Which encoding a fund's file is in, judged line by line when bytes disagree.

Extraction tools sometimes append Windows-1252 lines to a UTF-8 file (or the
reverse). The encoding most lines agree on is the file's; the lines in the
other one are rejected one by one by the reader rather than refusing the file.
"""

from __future__ import annotations

import codecs
from pathlib import Path

CHUNK_BYTES = 1024 * 1024


def is_utf16(head: bytes) -> bool:
    return head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def choose_encoding(path: Path, head: bytes) -> tuple[str, bool]:
    """(encoding, whether every byte of the file decodes in it)."""
    utf8 = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
    if _decodes_whole(path, utf8):
        return utf8, True
    utf8_lines, other_lines = _vote(path)
    # On a tie UTF-8 wins: a Windows-1252 line is rarely also valid UTF-8.
    if utf8_lines >= other_lines:
        return utf8, False
    return "cp1252", False


def _decodes_whole(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK_BYTES):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _vote(path: Path) -> tuple[int, int]:
    """(lines that are non-ASCII UTF-8, lines that are not UTF-8)."""
    utf8_lines = other_lines = 0
    with path.open("rb") as handle:
        for raw in handle:
            if raw.isascii():
                continue
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                other_lines += 1
            else:
                utf8_lines += 1
    return utf8_lines, other_lines
