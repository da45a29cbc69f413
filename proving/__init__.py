"""Tools that prove the product and never run in production: the campaign day, the pacing
simulation.
"""
