"""Steiger's own library: what every service shares, written once."""
