"""Public holidays and working days: the Vietnamese calendar plus the administrator's own list."""
