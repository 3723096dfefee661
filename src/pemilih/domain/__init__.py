"""Pure domain rules: identifiers, regions, code tables, eligibility. No I/O beyond package data."""
