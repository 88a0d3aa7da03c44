"""Home, per-role dashboards, language switch and health check."""
