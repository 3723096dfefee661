"""Which domain judge (pemilih.domain.values) checks which column of a KPU list or a registry
extract. columns.judge_column applies each judge once per distinct value of its column.

Not here: dates (io/dates.py: per file day/month order), NIK and NKK (io/identity.py: the
same rules column-wise) and the village columns (io/places.py: matched to the reference).
"""
from __future__ import annotations

from pemilih.domain import values as judges

# A column of mostly distinct values: Polars lets the values the judge would keep as they are
# through, so that only the others cost a Python call (a list's names are nearly all in
# capitals). Places and addresses repeat (a few hundred per regency): judged per distinct value.
AS_IS = {"nama": judges.NAME_AS_IS}


def region_code(value: str | None) -> str | None:
    """`7326012001` / `73.26.01.2001` -> `73.26.01.2001`; None when not a region code."""
    verdict = judges.region_code(value)
    return verdict.value if verdict.ok else None


def kpu_judges() -> dict:
    return {c: judges.JUDGES[c] for c in ("nama", "tempat_lahir", "status_kawin", "jenis_kelamin", "alamat",
                                          "tps", "rt", "rw", "disabilitas", "ktp_el", "keterangan")}


def registry_judges() -> dict:
    return {"nama": judges.registry_name, "tempat_lahir": judges.birth_place, "alamat": judges.address,
            "status_kawin": judges.registry_marital_status, "jenis_kelamin": judges.sex,
            "rt": judges.rt, "rw": judges.rw, "status": judges.upper_text}
