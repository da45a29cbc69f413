"""Platform every room stands on: settings, database, clock columns, secrets at rest, runtime, logs
and metrics.
"""
