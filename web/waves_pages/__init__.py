"""Manager pages for a campaign's waves."""
