"""pemilih: keeps a regency's voter lists correct as they pass between agencies."""

__version__ = "0.1.0"
