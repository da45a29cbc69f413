"""Pages for a fund's staff and developers: the API guide and a results download page."""
