"""What every code a person may read is called in French: one vocabulary, one lookup."""

from dialer.wording.labels import Kind, choices, is_known, label, missing_marker

__all__ = ["Kind", "choices", "is_known", "label", "missing_marker"]
