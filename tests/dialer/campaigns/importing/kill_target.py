"""Run by test_import_killed in a child process: import a file, then wait to be killed.

Arguments: database URL, campaign id, file and, optionally, the file size from
which indexes are set aside. The key ring comes on stdin. After the first batch
is stored (inside the import's transaction) it prints ``stored`` and the number
of indexes dropped so far, then blocks, so the parent can SIGKILL it mid-file.
"""

from __future__ import annotations

import sys
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import event

from dialer.campaigns.importing.pipeline import ImportOptions, import_contacts
from dialer.campaigns.importing.progress import ImportTick
from dialer.core.crypto import DataCipher, KeyRing
from dialer.core.db import make_engine


def main() -> None:
    url, campaign_id, path = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    cipher = DataCipher(KeyRing.from_json(sys.stdin.read()))
    engine = make_engine(url)
    dropped: list[str] = []

    def note_drops(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.upper().startswith("DROP INDEX"):
            dropped.append(statement)

    def stop_mid_file(tick: ImportTick) -> None:
        if tick.phase == "import":  # after the first of 20 batches, inside the transaction
            print(f"stored {len(dropped)}", flush=True)
            threading.Event().wait()  # until killed

    event.listen(engine, "before_cursor_execute", note_drops)
    options = ImportOptions(batch_size=10, parse_workers=0)
    if len(sys.argv) > 4:
        options = replace(options, rebuild_indexes_from_rows=int(sys.argv[4]))
    import_contacts(engine, campaign_id, path, cipher, options, stop_mid_file)


if __name__ == "__main__":
    main()
