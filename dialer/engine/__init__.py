"""The dialling engine: agents' states, pacing, calling (originate, call updates, screen pop,
outcomes), the service.
"""
