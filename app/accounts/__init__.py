"""Accounts, roles, sessions, login throttling and journalist verification."""
