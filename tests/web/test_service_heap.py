"""While the app serves, its start-up heap is out of the collector's full passes."""

from __future__ import annotations

import gc

from fastapi import FastAPI
from fastapi.testclient import TestClient

from dialer.campaigns.importing.parsing import quiet_collector
from dialer.core.heap import YOUNG_OBJECTS_PER_PASS, start_up_heap_frozen


def test_the_start_up_heap_is_frozen_while_the_app_serves_and_released_after(
    app: FastAPI,
) -> None:
    before = gc.get_threshold()
    assert gc.get_freeze_count() == 0
    with TestClient(app) as client:
        assert client.get("/connexion").status_code == 200
        # A full pass walks none of the frozen objects: the app's modules, mappers...
        assert gc.get_freeze_count() > 10_000
        assert gc.get_threshold()[0] == YOUNG_OBJECTS_PER_PASS
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == before


def test_objects_made_while_frozen_are_still_collected() -> None:
    class Node:
        def __init__(self) -> None:
            self.me = self  # a reference cycle: only the collector frees it

    with start_up_heap_frozen():
        Node()
        assert gc.collect() >= 1


def test_an_import_in_the_web_process_leaves_the_start_up_heap_frozen() -> None:
    with start_up_heap_frozen():
        frozen = gc.get_freeze_count()
        with quiet_collector():
            pass
        assert gc.get_freeze_count() >= frozen > 0
        assert gc.get_threshold()[0] == YOUNG_OBJECTS_PER_PASS
