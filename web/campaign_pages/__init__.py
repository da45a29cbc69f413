"""Manager pages around one campaign: its lifecycle, readiness, retry rules."""
