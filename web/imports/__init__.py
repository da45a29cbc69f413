"""Contact-file imports started from the web pages, run in background threads."""
