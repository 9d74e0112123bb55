"""Command-line interface (typer). Thin wrappers: parse, call one core function, render."""
