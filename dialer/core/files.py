"""Files holding personal data or secrets: created readable by the service's user only.

The umask of a service is often 022, which makes every new file world-readable; a
database, a key file or a report of names and phones must not depend on it.
"""

from __future__ import annotations

import os
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) if missing; a directory we create is owner-only."""
    if not path.exists():
        path.mkdir(parents=True, mode=DIR_MODE, exist_ok=True)
        os.chmod(path, DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """Make sure ``path`` exists and is owner-only (creating it empty if missing)."""
    private_dir(path.parent)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
    os.close(descriptor)
    os.chmod(path, FILE_MODE)
    return path


def create_private_file(path: Path) -> None:
    """Create ``path`` owner-only if it does not exist yet; an existing file is left as is."""
    private_dir(path.parent)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return
    os.close(descriptor)


def write_private_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path``, owner-only from the first byte."""
    private_file(path)
    with path.open("w", encoding="utf-8") as handle:
        handle.write(text)


def write_private_bytes(path: Path, data: bytes) -> None:
    private_file(path)
    with path.open("wb") as handle:
        handle.write(data)
