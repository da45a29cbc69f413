"""Reports per campaign and per fund: the page, its charts and its exports."""
