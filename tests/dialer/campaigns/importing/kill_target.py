"""Run by test_import_killed in a child process: import a file, then wait to be killed.

Arguments: database URL, campaign id, file. The key ring comes on stdin. After
the first batch is stored (inside the import's transaction) it prints
``stored`` and blocks, so the parent can SIGKILL it mid-file.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from dialer.campaigns.importing.pipeline import ImportOptions, import_contacts
from dialer.campaigns.importing.progress import ImportTick
from dialer.core.crypto import DataCipher, KeyRing
from dialer.core.db import make_engine


def main() -> None:
    url, campaign_id, path = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    cipher = DataCipher(KeyRing.from_json(sys.stdin.read()))

    def stop_mid_file(tick: ImportTick) -> None:
        if tick.phase == "import":  # after the first of 20 batches, inside the transaction
            print("stored", flush=True)
            threading.Event().wait()  # until killed

    options = ImportOptions(batch_size=10, parse_workers=0)
    import_contacts(make_engine(url), campaign_id, path, cipher, options, stop_mid_file)


if __name__ == "__main__":
    main()
