"""The law Press Desk follows, as dated rule sets (see `rulesets.py`)."""
