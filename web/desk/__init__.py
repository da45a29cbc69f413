"""The agent desk: presence, live screen pop, the call panel and the outcome form."""
