"""Reference data about people: funds, people and their identifiers, themes, territories."""
