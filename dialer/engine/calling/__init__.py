"""The dialer at work: claimed contacts become calls, call updates become database state."""
