"""A campaign's contacts for its manager: the list and the explanation of one person."""
