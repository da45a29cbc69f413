"""Reading a fund's contact file: size, binary check, encoding and separator.

Fund files come as CSV with ``;`` or ``,``, in UTF-8, UTF-8 with BOM or
Windows-1252. Every check that can refuse the whole file runs before a single
row is stored, so a refused file stores nothing.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from dialer.errors import DomainError

SNIFF_BYTES = 64 * 1024
CHUNK_BYTES = 1024 * 1024


class ImportRefused(DomainError):
    """The whole file is refused; the message is for the user, in French."""


@dataclass(frozen=True)
class FileFormat:
    encoding: str  # utf-8, utf-8-sig or cp1252
    delimiter: str
    size_bytes: int


def inspect_file(path: Path, max_bytes: int) -> FileFormat:
    size = path.stat().st_size
    if size == 0:
        raise ImportRefused("Le fichier est vide.")
    if size > max_bytes:
        raise ImportRefused(
            f"Le fichier dépasse la taille autorisée ({size} octets, maximum {max_bytes})."
        )
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if _looks_binary(head):
        raise ImportRefused("Le fichier n'est pas un fichier texte CSV (contenu binaire).")
    _refuse_nul_bytes(path)
    encoding = _detect_encoding(path, head)
    delimiter = _detect_delimiter(head.decode(encoding, errors="replace"))
    return FileFormat(encoding=encoding, delimiter=delimiter, size_bytes=size)


def _looks_binary(head: bytes) -> bool:
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32)
    return controls > len(head) // 100


def _refuse_nul_bytes(path: Path) -> None:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            if b"\x00" in chunk:
                raise ImportRefused("Le fichier contient des octets nuls (contenu binaire).")


def _detect_encoding(path: Path, head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif _decodes_whole(path, "utf-8"):
        return "utf-8"
    else:
        encoding = "cp1252"
    if not _decodes_whole(path, encoding):
        raise ImportRefused("Encodage non reconnu : le fichier doit être en UTF-8 ou Windows-1252.")
    return encoding


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


def _detect_delimiter(text: str) -> str:
    first_line = text.splitlines()[0] if text.splitlines() else ""
    return ";" if first_line.count(";") >= first_line.count(",") else ","


def iter_rows(path: Path, fmt: FileFormat) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number in the file, cells); the header is line 1."""
    with path.open("r", encoding=fmt.encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=fmt.delimiter)
        for cells in reader:
            yield reader.line_num, cells
