"""The data protection officer's pages: rights requests, access trail, retention."""
