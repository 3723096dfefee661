"""Readers and writers of the interchange formats (docs/formats.md)."""
