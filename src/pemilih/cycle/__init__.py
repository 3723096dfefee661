"""The steps of the cycle."""
