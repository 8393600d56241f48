"""Editions: the forms a handout comes in (a tiny module, so the CLI can list them cheaply)."""

EDITIONS = ("standard", "large-print")  # large print: 18 pt, one column, as many pages as needed
