"""Readiness, the metrics endpoint and the database's gauges."""
