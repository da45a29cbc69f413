"""The dialer's Prometheus metrics, in a registry of their own per runtime.

Counters and histograms are fed by small hooks the composition root hands to
their sources' constructors (the call recorder, the AMI adapter) or calls (the
contact import); the gauges that
describe the database's state (agents, abandon rate, feed backlog) are read at
scrape time by ``database.DatabaseCollector``, so they are right in every
process, whichever worker changed the rows.
"""

from __future__ import annotations

from typing import Protocol

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.registry import Collector

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# AMI actions answer in milliseconds on a LAN; seconds mean a PBX in trouble.
AMI_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
IMPORT_OUTCOMES = ("stored", "updated", "unchanged", "merged", "rejected")


class ImportCounts(Protocol):
    """What an import's summary says, as the metrics read it (the importer sits above them)."""

    @property
    def stored(self) -> int: ...
    @property
    def updated(self) -> int: ...
    @property
    def unchanged(self) -> int: ...
    @property
    def merged(self) -> int: ...
    @property
    def rejected_rows(self) -> int: ...


class DialerMetrics:
    """Every metric of one process (or one test's app), registered in ``registry``."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.calls = Counter(
            "dialer_calls",
            "Call attempts ended, by campaign and result.",
            ("campaign", "result"),
            registry=self.registry,
        )
        self.import_rows = Counter(
            "dialer_import_rows",
            "Contact-file rows imported, by outcome.",
            ("outcome",),
            registry=self.registry,
        )
        self.ami_round_trip = Histogram(
            "dialer_ami_round_trip_seconds",
            "Time from sending an AMI action to its response.",
            ("action",),
            buckets=AMI_BUCKETS,
            registry=self.registry,
        )
        self.ami_event_lag = Histogram(
            "dialer_ami_event_lag_seconds",
            "Time from a call event's arrival on the AMI socket to its handler.",
            buckets=AMI_BUCKETS,
            registry=self.registry,
        )
        self._collectors: dict[str, Collector] = {}

    # -- hooks ---------------------------------------------------------------
    def call_ended(self, campaign_id: int, result: str) -> None:
        self.calls.labels(campaign=str(campaign_id), result=result).inc()

    def import_finished(self, summary: ImportCounts) -> None:
        counts = (
            summary.stored,
            summary.updated,
            summary.unchanged,
            summary.merged,
            summary.rejected_rows,
        )
        for outcome, count in zip(IMPORT_OUTCOMES, counts, strict=True):
            self.import_rows.labels(outcome=outcome).inc(count)

    def ami_action(self, action: str, seconds: float) -> None:
        self.ami_round_trip.labels(action=action).observe(seconds)

    def ami_event(self, lag_seconds: float) -> None:
        self.ami_event_lag.observe(lag_seconds)

    # -- scrape --------------------------------------------------------------
    def add_collector(self, name: str, collector: Collector) -> None:
        """Register a scrape-time collector once per name (an app built twice shares one)."""
        if name in self._collectors:
            return
        self._collectors[name] = collector
        self.registry.register(collector)

    def render(self) -> bytes:
        return generate_latest(self.registry)
