"""The roles, as the web application names them: defined once in the store (pemilih.store.roles),
which the command line's account commands use too."""
from pemilih.store.roles import AGENCY, ALL, EXPORTS_PERSONAL_DATA, Role

__all__ = ["AGENCY", "ALL", "EXPORTS_PERSONAL_DATA", "Role"]
