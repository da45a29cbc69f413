"""The web service: pages and API. Nothing outside this package imports it."""
