"""Reading a fund's contact file: size, binary check, encoding, separator, records.

Fund files come as CSV with ``;`` or ``,``, in UTF-8 (with or without BOM),
Windows-1252 or UTF-16 with BOM. Only defects of the whole file refuse it (not
text, empty, too large); a defect confined to one record (control character,
over-long cell, bytes in another encoding) costs that record only: the reader
sets it aside as a ``RowDefect`` for the reject report and reads on.
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dialer.campaigns.importing.encoding import choose_encoding, is_utf16
from dialer.core.errors import DomainError
from dialer.core.french import number_fr

SNIFF_BYTES = 64 * 1024
MAX_CELL_CHARS = 2000
# Controls other than the line breaks a quoted cell may hold; C1 only arrives
# through a genuine control, since Windows-1252 maps 0x80-0x9F to letters.
FORBIDDEN = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
# Formats funds sometimes send by mistake, named so the message says what to do.
MAGIC = {
    b"PK\x03\x04": "un classeur Excel (.xlsx) ou une archive ZIP",
    b"\xd0\xcf\x11\xe0": "un classeur Excel ancien format (.xls)",
    b"%PDF": "un document PDF",
}
# A cell may be long; the file size limit already bounds it, and the reader's
# own limit must never abort a file (the cell is rejected below instead).
csv.field_size_limit(sys.maxsize)

Row = tuple[int, list[str]]
UNREADABLE = "ligne illisible : retour chariot isolé hors guillemets ou guillemets mal placés"


class ImportRefused(DomainError):
    """The whole file is refused; the message is for the user, in French."""


@dataclass(frozen=True)
class FileFormat:
    encoding: str  # utf-8, utf-8-sig, utf-16 or cp1252
    delimiter: str
    size_bytes: int
    # Every byte decodes: no line needs judging on its own (the fast path).
    clean: bool = True


@dataclass(frozen=True)
class RowDefect:
    """A record refused before parsing: its first line, cells and reason."""

    line: int
    cells: list[str]
    column: int | None  # index of the faulty cell, when one is to blame
    reason: str


def inspect_file(path: Path, max_bytes: int) -> FileFormat:
    size = path.stat().st_size
    if size == 0:
        raise ImportRefused("Le fichier est vide (0 octet) : rien n'a été importé.")
    if size > max_bytes:
        raise ImportRefused(
            f"Le fichier dépasse la taille autorisée ({number_fr(size)} octets, "
            f"maximum {number_fr(max_bytes)}) : rien n'a été importé."
        )
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    encoding, clean = ("utf-16", True) if is_utf16(head) else (None, True)
    if encoding is None:
        _refuse_binary(head)
        encoding, clean = choose_encoding(path, head)
    text = head.decode(encoding, errors="replace").lstrip("\ufeff")
    return FileFormat(encoding, _detect_delimiter(text), size, clean)


def _refuse_binary(head: bytes) -> None:
    for magic, what in MAGIC.items():
        if head.startswith(magic):
            raise ImportRefused(
                f"Le fichier n'est pas un fichier texte CSV : c'est {what} (octet 0, ligne 1). "
                "Enregistrez-le au format CSV avant de l'importer."
            )
    controls = [i for i, byte in enumerate(head) if byte < 9 or 13 < byte < 32 or byte == 11]
    if len(controls) > max(8, len(head) // 100):
        offset = controls[0]
        line = head.count(b"\n", 0, offset) + 1
        hint = " (peut-être de l'UTF-16 sans marque d'ordre)" if head[1::2].count(0) > 8 else ""
        raise ImportRefused(
            "Le fichier n'est pas un fichier texte CSV (contenu binaire"
            f"{hint}, premier octet de contrôle à l'octet {number_fr(offset)}, "
            f"ligne {number_fr(line)})."
        )


def _detect_delimiter(text: str) -> str:
    first_line = text.splitlines()[0] if text.splitlines() else ""
    return ";" if first_line.count(";") >= first_line.count(",") else ","


@dataclass
class RecordReader:
    """Records of the file, header first; defective records go to ``defects``."""

    path: Path
    fmt: FileFormat
    defects: list[RowDefect] = field(default_factory=list)
    _line: int = 0  # physical lines read, on the path that judges lines one by one
    _last_bad_line: int = 0
    _header_read: bool = False

    def __iter__(self) -> Iterator[Row]:
        if not self.fmt.clean:
            yield from self._records(self._lines())
            return
        # The common case: the text layer decodes in C, lines are counted by csv.
        with self.path.open(encoding=self.fmt.encoding, newline="") as handle:
            yield from self._records(handle)

    def _records(self, lines: Iterator[str]) -> Iterator[Row]:
        reader = csv.reader(lines, delimiter=self.fmt.delimiter)
        while True:
            first = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error:
                self.defects.append(RowDefect(first, [], None, UNREADABLE))
                continue
            except UnicodeDecodeError:
                # Only UTF-16 gets here: the other encodings were checked whole.
                raise ImportRefused(
                    f"Fichier UTF-16 illisible à la ligne {number_fr(first)} : "
                    "rien n'a été importé."
                ) from None
            joined = "".join(cells)
            # Every character FORBIDDEN names is unprintable: most rows need no search.
            suspect = len(joined) > MAX_CELL_CHARS or (
                not joined.isprintable() and FORBIDDEN.search(joined) is not None
            )
            # The header is judged by the column matching, never set aside.
            if not self._header_read or not (suspect or self._last_bad_line >= first):
                self._header_read = True
                yield first, cells
            elif (defect := self._check(first, cells)) is not None:
                self.defects.append(defect)
            else:
                yield first, cells

    def _check(self, first: int, cells: list[str]) -> RowDefect | None:
        if self._last_bad_line >= first:
            column = next((i for i, c in enumerate(cells) if not c.isascii()), None)
            reason = f"caractères illisibles : octets hors de l'encodage du fichier ({self._name})"
            return RowDefect(first, cells, column, reason)
        for index, cell in enumerate(cells):
            if len(cell) > MAX_CELL_CHARS:
                size, limit = number_fr(len(cell)), number_fr(MAX_CELL_CHARS)
                reason = f"cellule trop longue ({size} caractères, {limit} au plus)"
                return RowDefect(first, cells, index, reason)
            if (found := FORBIDDEN.search(cell)) is not None:
                code = f"U+{ord(found.group()):04X}"
                return RowDefect(first, cells, index, f"caractère de contrôle interdit ({code})")
        return None

    @property
    def _name(self) -> str:
        return {"cp1252": "Windows-1252", "utf-16": "UTF-16"}.get(self.fmt.encoding, "UTF-8")

    def _lines(self) -> Iterator[str]:
        encoding = self.fmt.encoding
        with self.path.open("rb") as handle:
            for raw in handle:
                self._line += 1
                yield self._decode(raw, encoding)

    def _decode(self, raw: bytes, encoding: str) -> str:
        if raw.isascii():
            return raw.decode("ascii")
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            self._last_bad_line = self._line
            return raw.decode(encoding, errors="replace")
        if encoding == "cp1252" and _is_utf8(raw):
            # A UTF-8 line in a Windows-1252 file would be stored as « Ã© ».
            self._last_bad_line = self._line
        return text


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
