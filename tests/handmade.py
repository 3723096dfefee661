"""A hand-made village for the review, web review and backup tests: three voters on KPU's
list, one resident of the registry who is a new voter, and the columns of a findings table."""
from __future__ import annotations

LIST = [
    {"source_ref": "dpt.csv::2", "file": "dpt.csv", "sheet": "", "row": 2, "kode_desa": "73.26.01.2001",
     "nik": "7326014507890001", "nama": "NE RANTE", "tanggal_lahir": "1989-07-05", "tps": "001"},
    {"source_ref": "dpt.csv::3", "file": "dpt.csv", "sheet": "", "row": 3, "kode_desa": "73.26.01.2001",
     "nik": "7326011203800002", "nama": "YOHANIS PATIKU", "tanggal_lahir": "1980-03-12", "tps": "001"},
    {"source_ref": "dpt.csv::4", "file": "dpt.csv", "sheet": "", "row": 4, "kode_desa": "73.26.01.2002",
     "nik": "7326015001950003", "nama": "MARTHA", "tanggal_lahir": "1995-01-10", "tps": "002"},
]
REGISTRY = [
    {"source_ref": "dk.csv::2", "file": "dk.csv", "sheet": "", "row": 2, "nik": "7326014101060004",
     "nkk": "7326010101060001", "nama": "LINA SAMPE", "tanggal_lahir": "2006-01-01",
     "jenis_kelamin": "P", "kode_wilayah": "73.26.01.2002"},
]
F = ["source_ref", "nik", "code", "field", "current", "proposed", "registry_nik", "duplicate_of",
     "score", "reason", "finding_key", "evidence"]
