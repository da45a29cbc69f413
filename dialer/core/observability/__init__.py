"""Metrics, structured logs and the redaction of personal data in them."""
