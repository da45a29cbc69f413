"""The manager's live dashboard of a campaign, pushed over Server-Sent Events."""
