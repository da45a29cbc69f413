"""Data protection and the funds' interface: access trail, retention, rights, the result feed."""
