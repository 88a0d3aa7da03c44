"""Media monitoring: the feeds the office follows, the watch lists that pick press items out of
them, items entered by hand, and (later) their assessment and escalation (issue 19)."""
