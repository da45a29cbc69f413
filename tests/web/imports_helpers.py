from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient


def wait_for_import(client: TestClient, campaign_id: int, ticket: str) -> dict[str, Any]:
    """Polls the progress endpoint as the page does, until the import finishes."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        info: dict[str, Any] = client.get(f"/api/campagnes/{campaign_id}/imports/{ticket}").json()
        if info["finished"]:
            return info
        time.sleep(0.05)
    raise AssertionError("the import never finished")


def ticket_of(location: str) -> str:
    return location.rsplit("/", 1)[-1]
