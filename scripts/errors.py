"""The error scripts raise when a body cannot be used; its message is French."""


class ScriptError(ValueError):
    """A script body refused (too large, syntax error, forbidden construct)."""
