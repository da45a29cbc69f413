"""``dialer-day``: one whole campaign day, end to end, on a fresh database.

Funds, a seeded contact file, a fund opt-out list, a predictive wave, simulated
agents using the real desk over HTTP and its push channel, the PBX simulator on
an accelerated clock, a fund webhook receiving the feed, optional faults, then a
French summary and the independent invariant checker.
"""
