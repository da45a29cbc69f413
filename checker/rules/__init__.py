"""One module per rule of the campaign day, each ``check(day) -> RuleResult``."""
