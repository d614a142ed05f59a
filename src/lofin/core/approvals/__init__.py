"""결재: approval lines. actions write, queries read, rules decide."""
