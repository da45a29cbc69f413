"""The pages people use, one module per area."""
