"""Studying: scheduling (FSRS), the progress database, grading, interviews, sync, stats.

Plain data in and out; no typer, no rich.
"""
