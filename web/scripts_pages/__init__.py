"""The manager's call-script editor: versions, live preview on sample data."""
