"""Organisations: bodies as data with validity periods."""
