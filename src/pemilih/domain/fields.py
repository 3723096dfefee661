"""The name of each field of a voter as people write and read it: the printed column name of a
KPU list (formats.md section 2), which reasons, forms and pages name a field by. The contract
(pemilih/contract.py) gives the same names as the KPU list's headers; this is where they are
written, so the domain's own reasons can use them too (the domain imports nothing else)."""
from __future__ import annotations

FIELD_LABELS = {
    "kecamatan": "KECAMATAN", "desa": "KELURAHAN/DESA", "kode_desa": "KODE DESA", "tps": "TPS",
    "no": "NO", "nkk": "NKK", "nik": "NIK", "nama": "NAMA", "tempat_lahir": "TEMPAT LAHIR",
    "tanggal_lahir": "TANGGAL LAHIR", "status_kawin": "STATUS PERKAWINAN",
    "jenis_kelamin": "JENIS KELAMIN", "alamat": "ALAMAT", "rt": "RT", "rw": "RW",
    "disabilitas": "DISABILITAS", "ktp_el": "KTP-EL", "keterangan": "KETERANGAN",
}

# The same fields as a form's label or a sentence names them (a person typing at a counter).
FIELD_NAMES = {
    "kecamatan": "Kecamatan", "desa": "Kelurahan/desa", "kode_desa": "Kode desa", "tps": "TPS",
    "no": "Nomor urut", "nkk": "NKK (nomor kartu keluarga)", "nik": "NIK", "nama": "Nama lengkap",
    "tempat_lahir": "Tempat lahir", "tanggal_lahir": "Tanggal lahir", "status_kawin": "Status perkawinan",
    "jenis_kelamin": "Jenis kelamin", "alamat": "Alamat", "rt": "RT", "rw": "RW",
    "disabilitas": "Disabilitas", "ktp_el": "KTP-el", "keterangan": "Keterangan",
}
# The letters a list stores for the fields a form offers as a choice, with what each means.
FIELD_CHOICES = {
    "jenis_kelamin": {"L": "Laki-laki", "P": "Perempuan"},
    "status_kawin": {"B": "Belum kawin", "S": "Sudah kawin", "P": "Pernah kawin (cerai hidup atau mati)"},
}
