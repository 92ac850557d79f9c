"""Supports per executive function (JSON, one file per version)."""
