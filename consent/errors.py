"""The one error the ledger raises; its message is shown to users, in French."""


class ConsentError(ValueError):
    """A decision that cannot be recorded, or an attempt to rewrite one."""
