"""Pure domain values and rules: no I/O, no database, no Qt."""
