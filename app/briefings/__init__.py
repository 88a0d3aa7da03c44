"""Briefing calendar: kinds, series, occurrences, lifecycle, feeds and compliance."""
