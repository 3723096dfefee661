"""The interchange contract: every column, alias, sheet and file name pemilih reads or writes.

One place for the layouts of the files the agencies exchange (docs/formats.md tells them in
prose; tests/test_contract.py checks that the two agree and that every column the readers
accept and the writers write is here). Readers, writers, the engine, the store and the web
take their names from this module and never spell a column of a file themselves.

Sections follow docs/formats.md: 2 the KPU list, 3 the civil-registry extract, 4 findings,
5 the hand-back package, 6 code tables, 7 the coklit workbook, 8 public responses, 9 the
printed and downloaded tables (election lists, TPS, recap), 10 the encoded civil-registry
extract. Section 1 (values) is the domain's (pemilih.domain.values, pemilih.domain.nik,
pemilih.domain.masking).

Polars is named here only in annotations, never imported: the workbook readers of
`pemilih check` are forked before anything has loaded Polars (io/sheets.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pemilih.domain import codes as code_rules
from pemilih.domain.fields import FIELD_LABELS

if TYPE_CHECKING:
    import polars as pl

# --- 2. KPU voter list -------------------------------------------------------------------------

# Canonical columns of a KPU voter list, in output order.
KPU_COLUMNS = [
    "kecamatan", "desa", "kode_desa", "tps", "no", "nkk", "nik", "nama", "tempat_lahir",
    "tanggal_lahir", "status_kawin", "jenis_kelamin", "alamat", "rt", "rw", "disabilitas",
    "ktp_el", "keterangan",
]
# Printed name of each canonical column: what writers write and messages name (the names of
# the fields themselves, domain/fields.py).
KPU_HEADERS = dict(FIELD_LABELS)
# Every header accepted for a column (case, spacing and punctuation ignored), printed name first.
KPU_ALIASES = {
    "kecamatan": ["KECAMATAN", "KEC", "NAMA KECAMATAN"],
    "desa": ["KELURAHAN/DESA", "DESA", "KELURAHAN", "LEMBANG", "DESA/KEL", "DESA/KELURAHAN"],
    "kode_desa": ["KODE DESA", "KODE WILAYAH", "KODE KEL"],
    "tps": ["TPS", "NO TPS"],
    "no": ["NO", "NO URUT"],
    "nkk": ["NKK", "NO KK", "NOMOR KK"],
    "nik": ["NIK", "NO NIK"],
    "nama": ["NAMA", "NAMA LENGKAP", "NAMA PEMILIH"],
    "tempat_lahir": ["TEMPAT LAHIR", "TEMPAT_LAHIR"],
    "tanggal_lahir": ["TANGGAL LAHIR", "TGL LAHIR", "TANGGAL_LAHIR"],
    "status_kawin": ["STATUS PERKAWINAN", "STATUS KAWIN", "KAWIN", "STS KAWIN"],
    "jenis_kelamin": ["JENIS KELAMIN", "L/P", "JK"],
    "alamat": ["ALAMAT", "ALAMAT/DUSUN"],
    "rt": ["RT"],
    "rw": ["RW"],
    "disabilitas": ["DISABILITAS", "JENIS DISABILITAS", "DIS"],
    "ktp_el": ["KTP-EL", "STATUS KTP-EL", "EKTP"],
    "keterangan": ["KETERANGAN", "KET"],
}
KPU_REQUIRED = ["nkk", "nik", "nama", "tempat_lahir", "tanggal_lahir", "status_kawin",
                "jenis_kelamin", "alamat", "rt", "rw"]
# One column holding both birthplace and birth date (`RANTEPAO, 12-05-1980`), split on reading.
COMBINED_BIRTH = "_ttl"
COMBINED_BIRTH_HEADERS = ["TEMPAT/TANGGAL LAHIR", "TEMPAT, TANGGAL LAHIR", "TEMPAT/TGL LAHIR",
                          "TEMPAT TGL LAHIR", "TTL", "TEMPAT DAN TANGGAL LAHIR"]
# Title block of a form-style list (`KECAMATAN : RANTEPAO`): the key as written -> what it gives.
TITLE_KEYS = {
    "PROVINSI": "prov", "KABUPATEN": "kab", "KABUPATEN/KOTA": "kab", "KOTA": "kab", "KAB": "kab",
    "KECAMATAN": "kec", "KEC": "kec",
    "DESA/KELURAHAN": "desa", "KELURAHAN/DESA": "desa", "DESA": "desa", "KELURAHAN": "desa",
    "LEMBANG": "desa", "DESA/KEL": "desa", "KEL/DESA": "desa", "LEMBANG/KELURAHAN": "desa",
    "TPS": "tps", "NO TPS": "tps", "NOMOR TPS": "tps",
}

# --- 3. Civil-registry extract -------------------------------------------------------------------

REGISTRY_COLUMNS = [
    "nik", "nkk", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin", "status_kawin",
    "alamat", "rt", "rw", "kode_wilayah", "pekerjaan", "status", "tgl_mati", "tgl_pindah",
    "kode_wilayah_tujuan", "tgl_datang",
]
REGISTRY_HEADERS = {
    "nik": "NIK", "nkk": "NO_KK", "nama": "NAMA_LGKP", "tempat_lahir": "TMPT_LHR",
    "tanggal_lahir": "TGL_LHR", "jenis_kelamin": "JENIS_KLMIN", "status_kawin": "STAT_KWN",
    "alamat": "ALAMAT", "rt": "NO_RT", "rw": "NO_RW", "kode_wilayah": "KODE_WILAYAH",
    "pekerjaan": "JENIS_PKRJN", "status": "STATUS", "tgl_mati": "TGL_MATI",
    "tgl_pindah": "TGL_PINDAH", "kode_wilayah_tujuan": "KODE_WILAYAH_TUJUAN",
    "tgl_datang": "TGL_DATANG",
}
# `_prop` .. `_kel`: the four parts that can stand for KODE_WILAYAH.
REGION_PARTS = {"_prop": "NO_PROP", "_kab": "NO_KAB", "_kec": "NO_KEC", "_kel": "NO_KEL"}
REGISTRY_ALIASES = {
    "nik": ["NIK"],
    "nkk": ["NO_KK", "NKK"],
    "nama": ["NAMA_LGKP", "NAMA", "NAMA LENGKAP"],
    "tempat_lahir": ["TMPT_LHR", "TEMPAT LAHIR"],
    "tanggal_lahir": ["TGL_LHR", "TANGGAL LAHIR"],
    "jenis_kelamin": ["JENIS_KLMIN", "JENIS KELAMIN", "JK"],
    "status_kawin": ["STAT_KWN", "STATUS KAWIN"],
    "alamat": ["ALAMAT"],
    "rt": ["NO_RT", "RT"],
    "rw": ["NO_RW", "RW"],
    "kode_wilayah": ["KODE_WILAYAH"],
    "pekerjaan": ["JENIS_PKRJN", "PEKERJAAN"],
    "status": ["STATUS"],
    "tgl_mati": ["TGL_MATI"],
    "tgl_pindah": ["TGL_PINDAH"],
    "kode_wilayah_tujuan": ["KODE_WILAYAH_TUJUAN"],
    "tgl_datang": ["TGL_DATANG"],
    **{part: [name] for part, name in REGION_PARTS.items()},
}
REGISTRY_REQUIRED = ["nik", "nama", "tanggal_lahir", "jenis_kelamin"]
REGISTRY_DATES = ["tanggal_lahir", "tgl_mati", "tgl_pindah", "tgl_datang"]
# Occupations that mark an active member of the armed forces (TMS-6) or the police (TMS-7).
OCCUPATION_TNI = "TENTARA NASIONAL INDONESIA"
OCCUPATION_POLRI = "KEPOLISIAN RI"
ALIVE, DECEASED = "HIDUP", "MATI"

KIND_KPU, KIND_REGISTRY = "kpu", "registry"
COLUMNS = {KIND_KPU: KPU_COLUMNS, KIND_REGISTRY: REGISTRY_COLUMNS}
HEADERS = {KIND_KPU: KPU_HEADERS, KIND_REGISTRY: REGISTRY_HEADERS}
ALIASES = {KIND_KPU: KPU_ALIASES, KIND_REGISTRY: REGISTRY_ALIASES}

# --- what every reader hands on ------------------------------------------------------------------

# A record's place in its file: `<file>:<sheet>:<row>` (a CSV has no sheet: `dpt.csv::17`).
REF_COLUMNS = ["source_ref", "file", "sheet", "row"]
PROBLEM_COLUMNS = ["source_ref", "file", "sheet", "row", "column", "code", "reason"]


def source_ref(file: str, sheet: str | None, row: int | None) -> str:
    return f"{file}:{sheet or ''}:{'' if row is None else row}"


@dataclass
class SourceFile:
    """One file as received: its bytes are kept as an immutable snapshot identified by sha256."""

    name: str  # base name as given
    path: str
    sha256: str
    size: int
    kind: str  # KIND_KPU or KIND_REGISTRY


@dataclass
class ReadResult:
    """What a reader returns: one row per data row read (good and bad alike, nothing dropped),
    canonical column names, every value as text, and the problems found."""

    kind: str  # KIND_KPU or KIND_REGISTRY
    records: pl.DataFrame  # REF_COLUMNS + KPU_COLUMNS (or REGISTRY_COLUMNS), all text but row (Int64)
    # PROBLEM_COLUMNS; row null for file-level problems (FILE-UNREADABLE, COLUMN-MISSING, FILE-KIND),
    # column null for them too except COLUMN-MISSING, which names the missing column.
    problems: pl.DataFrame
    files: list[SourceFile] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # files refused whole, with the reason

    @property
    def ok(self) -> bool:
        return self.problems.height == 0 and not self.refused


# --- 4. Findings ---------------------------------------------------------------------------------

FINDINGS_FILE_CSV, FINDINGS_FILE_XLSX = "findings.csv", "findings.xlsx"
VERIFICATION_MINUTES = "ba_verifikasi.pdf"  # Disdukcapil's minutes, beside the findings (issue 14)
FINDINGS_COLUMNS = ["source_ref", "nik", "code", "field", "current", "proposed", "registry_nik",
                    "duplicate_of", "score", "reason"]
# After the ten: a stable key per finding (what review decisions hang on) and the evidence (JSON).
FINDINGS_EXTRA = ["finding_key", "evidence"]
# A finding's key: the first 16 hex digits of the MD5 of these columns joined by `|`.
FINDING_KEY_PARTS = ["code", "source_ref", "field", "proposed", "registry_nik"]
FINDINGS_SHEET, EVIDENCE_SHEET = "temuan", "bukti"
EVIDENCE_COLUMNS = ["finding_key", "source_ref", "code", "field_linked", "level", "weight", "score"]
# findings.xlsx is for people: its headers in Bahasa Indonesia (findings.csv keeps the names
# above, the contract's); the reader maps them back.
FINDINGS_XLSX_HEADERS = {
    "source_ref": "RUJUKAN BARIS", "nik": "NIK", "code": "KODE", "field": "KOLOM", "current": "NILAI DI DAFTAR",
    "proposed": "NILAI USULAN", "registry_nik": "NIK DUKCAPIL", "duplicate_of": "GANDA DENGAN",
    "score": "SKOR", "reason": "ALASAN", "finding_key": "KUNCI TEMUAN", "evidence": "BUKTI",
    "field_linked": "KOLOM DIBANDINGKAN", "level": "TINGKAT KECOCOKAN", "weight": "BOBOT",
}
# What `field` of a U finding may name: printed KPU list columns.
FINDING_FIELDS = [KPU_HEADERS[c] for c in ("nik", "nkk", "nama", "tempat_lahir", "tanggal_lahir",
                                           "jenis_kelamin", "status_kawin", "alamat", "rt", "rw",
                                           "kode_desa")]

# --- 5. Hand-back package ------------------------------------------------------------------------

# Version 2: KPU's regime only, dates DD-MM-YYYY, the TPS moves and the two information sheets;
# version 1 packages (three change sheets) are still read.
PACKAGE_SCHEMA_VERSION = 2
PACKAGE_SCHEMA_VERSIONS_READ = (1, 2)
PACKAGE_MANIFEST = "manifest.json"
PACKAGE_CHANGES, PACKAGE_LIST, PACKAGE_RECAP = "perubahan.xlsx", "daftar.xlsx", "rekap.xlsx"
# perubahan_per_tps.xlsx: the same changes per village and TPS in KPU's order TMS, U, B (issue 14)
PACKAGE_PER_TPS = "perubahan_per_tps.xlsx"
PACKAGE_DATA_FILES = [PACKAGE_CHANGES, PACKAGE_LIST, PACKAGE_RECAP, PACKAGE_PER_TPS]
# Data files a package made before them lacks: checked when the manifest lists them.
PACKAGE_LATER_FILES = [PACKAGE_PER_TPS]
PACKAGE_MINUTES = "berita_acara.pdf"
PACKAGE_SIGNATURE = "manifest.sig"  # Ed25519 over manifest.json's bytes (io/signing.py)
PACKAGE_FILES = [PACKAGE_MANIFEST, *PACKAGE_DATA_FILES, PACKAGE_MINUTES, PACKAGE_SIGNATURE]
MANIFEST_FIELDS = ["schema_version", "regency", "period", "source_list", "created", "counts",
                   "files", "signer", "manifest_sha256"]
# perubahan.xlsx: KPU's order after field validation: new voters, not eligible, corrected.
CHANGE_KEY, CHANGE_CODE, CHANGE_CODE_MEANING, CHANGE_EVIDENCE = "KUNCI", "KODE", "ARTI KODE", "BUKTI"
SHEET_NEW, SHEET_TMS, SHEET_CORRECTED = "B Pemilih Baru", "TMS", "U Ubah Data"
SHEET_MOVED = "TMS-8 Pindah TPS"  # a move to another TPS of the same village: a change of TPS
# For KPU's information, not applied: voters the village's list treats apart from KPU's (a
# village-only rule, not yet 17 on the eligibility date), and rows without a village.
SHEET_INFO, SHEET_UNRESOLVED = "Informasi", "Belum Punya Desa"
CHANGE_SHEETS = [SHEET_NEW, SHEET_TMS, SHEET_MOVED, SHEET_CORRECTED, SHEET_INFO, SHEET_UNRESOLVED]
APPLIED_SHEETS = [SHEET_NEW, SHEET_TMS, SHEET_MOVED, SHEET_CORRECTED]
NEW_SHEET_COLUMNS = [CHANGE_KEY, CHANGE_CODE, *(KPU_HEADERS[c] for c in KPU_COLUMNS), CHANGE_EVIDENCE]
TMS_SHEET_COLUMNS = [CHANGE_KEY, CHANGE_CODE, CHANGE_CODE_MEANING, *(KPU_HEADERS[c] for c in KPU_COLUMNS),
                     CHANGE_EVIDENCE]
CORRECTED_COLUMN, CORRECTED_OLD, CORRECTED_NEW = "KOLOM", "NILAI LAMA", "NILAI BARU"
CORRECTED_COLUMNS = [CHANGE_KEY, KPU_HEADERS["nik"], KPU_HEADERS["nama"], KPU_HEADERS["kode_desa"],
                     CORRECTED_COLUMN, CORRECTED_OLD, CORRECTED_NEW, CHANGE_EVIDENCE]
MOVED_OLD, MOVED_NEW = "TPS LAMA", "TPS BARU"
MOVED_COLUMNS = [CHANGE_KEY, KPU_HEADERS["nik"], KPU_HEADERS["nama"], KPU_HEADERS["kecamatan"], KPU_HEADERS["desa"],
                 KPU_HEADERS["kode_desa"], MOVED_OLD, MOVED_NEW, CHANGE_EVIDENCE]
INFO_REASON = "ALASAN"
INFO_COLUMNS = [CHANGE_KEY, INFO_REASON, *(KPU_HEADERS[c] for c in KPU_COLUMNS)]
# A row without a village has no KODE DESA and no village name: the names as the list wrote them.
UNRESOLVED_WRITTEN = {"kecamatan": "KECAMATAN TERTULIS", "desa": "DESA TERTULIS"}
UNRESOLVED_COLUMNS = [CHANGE_KEY, INFO_REASON, *(UNRESOLVED_WRITTEN.get(c, KPU_HEADERS[c])
                                                 for c in KPU_COLUMNS if c != "kode_desa")]
# perubahan_per_tps.xlsx: one sheet per village (named by its code), a group per TPS, in each
# TPS the changes in the order of KPU's updating forms (TMS, U, B), numbered 1.. per TPS.
PER_TPS_ORDER = ["TMS", "U", "B"]
PER_TPS_NO, PER_TPS_LIST_NO = "NO", "NO DI DAFTAR"
PER_TPS_COLUMNS = [KPU_HEADERS["tps"], PER_TPS_NO, CHANGE_CODE, CHANGE_CODE_MEANING, PER_TPS_LIST_NO,
                   *(KPU_HEADERS[c] for c in KPU_COLUMNS if c not in ("kecamatan", "desa", "kode_desa", "tps", "no")),
                   CORRECTED_COLUMN, CORRECTED_OLD, CORRECTED_NEW, CHANGE_KEY]
LIST_SHEET = "DPT"  # daftar.xlsx: the resulting list, KPU_HEADERS in KPU_COLUMNS order

# --- 6. Code tables ------------------------------------------------------------------------------

KPU_REGIME = "PEMILU2024"  # KPU's continuous updating, and what the hand-back speaks
VILLAGE_REGIME = "PILKALEM"  # the village-head election's own rules (TMS-D)
CODE_TABLE_COLUMNS = ["code", "kind", "effect", "scope", "label", "meaning"]
CODE_KINDS = ["tms", "ubah", "baru", "catatan"]
CODE_EFFECTS = list(code_rules.EFFECTS)  # what a code does to the list (domain/codes.py)
CODE_SCOPES = list(code_rules.SCOPES)

# --- 7. Coklit workbook (one per village, one sheet per TPS) ------------------------------------

COKLIT_FORMAT = "pemilih-coklit/2"
# Format 1, cut before the tick, the visit and the move columns: still collected, read with its
# own layout (a committee may hold one for weeks); never written any more.
COKLIT_FORMAT_V1 = "pemilih-coklit/1"
COKLIT_GUIDE_SHEET, COKLIT_NEW_SHEET, COKLIT_BASE_SHEET = "PETUNJUK", "PEMILIH BARU", "VERSI_DASAR"
# Locked columns after KUNCI (A): NO and the data as shared.
COKLIT_LOCKED = ["no", "nkk", "nik", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin",
                 "status_kawin", "alamat", "rt", "rw", "disabilitas", "ktp_el"]
COKLIT_CORRECTABLE = ["nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin", "status_kawin",
                      "alamat", "rt", "rw", "disabilitas", "ktp_el"]
# The column a move (a code whose effect is `move`, PEMILU2024's TMS-8) writes its new value in.
COKLIT_MOVE_COLUMN = "tps"
# Who checked a row, and when: on every TPS row and every new voter's row.
COKLIT_VISIT_COLUMNS = ["tanggal_kunjungan", "petugas"]
COKLIT_CHECKED = "V"  # what SESUAI holds for a voter found correct
# The committee's columns of a TPS sheet after the locked ones: the tick, STATUS, the new TPS of a
# move, the corrections (`NAMA BARU`), the evidence, the visit.
COKLIT_EDITS = ["sesuai", "status", COKLIT_MOVE_COLUMN, *COKLIT_CORRECTABLE, "keterangan", *COKLIT_VISIT_COLUMNS]
COKLIT_EDITS_V1 = ["status", *COKLIT_CORRECTABLE, "keterangan"]
COKLIT_NEW_COLUMNS = ["nkk", "nik", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin",
                      "status_kawin", "alamat", "rt", "rw", "disabilitas", "ktp_el", "tps", "keterangan",
                      *COKLIT_VISIT_COLUMNS]
COKLIT_NEW_COLUMNS_V1 = COKLIT_NEW_COLUMNS[:COKLIT_NEW_COLUMNS.index("keterangan") + 1]
COKLIT_HEADER = {"key": "KUNCI", "no": "NO", "nkk": "NKK", "nik": "NIK", "nama": "NAMA",
                 "tempat_lahir": "TEMPAT LAHIR", "tanggal_lahir": "TANGGAL LAHIR",
                 "jenis_kelamin": "JENIS KELAMIN", "status_kawin": "STATUS KAWIN", "alamat": "ALAMAT",
                 "rt": "RT", "rw": "RW", "disabilitas": "DISABILITAS", "ktp_el": "KTP-EL", "tps": "TPS",
                 "keterangan": "KETERANGAN", "status": "STATUS", "sesuai": "SESUAI",
                 "tanggal_kunjungan": "TANGGAL KUNJUNGAN", "petugas": "PETUGAS"}
COKLIT_NEW_SUFFIX = " BARU"  # a correction column: `NAMA BARU`
# Edit columns written as `<HEADER> BARU`: the corrections and the move's new TPS.
COKLIT_NEW_VALUE_COLUMNS = [COKLIT_MOVE_COLUMN, *COKLIT_CORRECTABLE]


def coklit_edit_header(column: str) -> str:
    """A committee column's header: `NAMA BARU` for a new value, `STATUS`, `SESUAI`, ..."""
    suffix = COKLIT_NEW_SUFFIX if column in COKLIT_NEW_VALUE_COLUMNS else ""
    return COKLIT_HEADER[column] + suffix


COKLIT_TPS_HEADERS = ([COKLIT_HEADER["key"]] + [COKLIT_HEADER[c] for c in COKLIT_LOCKED]
                      + [coklit_edit_header(c) for c in COKLIT_EDITS])
COKLIT_TPS_HEADERS_V1 = (COKLIT_TPS_HEADERS[:1 + len(COKLIT_LOCKED)]
                         + [coklit_edit_header(c) for c in COKLIT_EDITS_V1])
COKLIT_NEW_HEADERS = [COKLIT_HEADER[c] for c in COKLIT_NEW_COLUMNS]
COKLIT_NEW_HEADERS_V1 = [COKLIT_HEADER[c] for c in COKLIT_NEW_COLUMNS_V1]
# The hidden base-version sheet: field -> label in its first column.
COKLIT_BASE_LABELS = {"format": "FORMAT", "cut": "POTONGAN", "kode_desa": "KODE DESA", "desa": "DESA",
                      "kecamatan": "KECAMATAN", "regime": "REZIM", "base_seq": "PERISTIWA DASAR",
                      "agreement": "PERJANJIAN", "shared_on": "TANGGAL", "file": "BERKAS"}
# What a workbook is cut from, per voter of the current list: its key and last event, where it
# is listed, then the locked columns after NO.
COKLIT_CUT_COLUMNS = ["key", "last_seq", "kecamatan", "desa", "kode_desa", "tps", *COKLIT_LOCKED[1:]]
# The list columns a coklit workbook carries (what the agreement must allow to share).
COKLIT_SHARED_ELEMENTS = ["kecamatan", "desa", "kode_desa", "tps", "no", "nkk", "nik", "nama",
                          "tempat_lahir", "tanggal_lahir", "jenis_kelamin", "status_kawin", "alamat",
                          "rt", "rw", "disabilitas", "ktp_el"]

# --- Data-sharing agreements -------------------------------------------------------------------
# The list columns each export or view of personal data hands out, written once: an agreement
# must list every one of them in its data elements (store/agreements.py checks it on every
# export and view). Keys name the export; EXPORT_LABELS says it in Bahasa Indonesia.
EXPORT_ELEMENTS = {
    "daftar": KPU_COLUMNS,  # the voter list: its pages, the DPS/DPT lists and their downloads
    "serah": KPU_COLUMNS,  # the hand-back package (formats.md section 5)
    "coklit": COKLIT_SHARED_ELEMENTS,  # field-validation workbooks (section 7)
    "pengumuman": ["kecamatan", "desa", "kode_desa", "tps", "nkk", "nik", "nama", "tempat_lahir",
                   "tanggal_lahir", "jenis_kelamin", "status_kawin", "alamat", "rt", "rw", "keterangan"],
    "temuan": ["kode_desa", "nik", "nkk", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin",
               "status_kawin", "alamat", "rt", "rw"],  # findings: the fields a finding may name (FINDING_FIELDS)
}
EXPORT_LABELS = {"daftar": "daftar pemilih", "serah": "paket serah-kembali", "coklit": "lembar kerja coklit",
                 "pengumuman": "pengumuman daftar pemilih", "temuan": "temuan verifikasi"}

# --- 8. Public responses to the provisional list ------------------------------------------------

RESPONSE_KIND, RESPONSE_KEY, RESPONSE_NIK = "JENIS", "KUNCI", "NIK"
RESPONSE_CODE, RESPONSE_COLUMN, RESPONSE_NEW_VALUE = "KODE", "KOLOM", "NILAI BARU"
RESPONSE_EVIDENCE = "BUKTI"
RESPONSE_COLUMNS = [RESPONSE_KIND, RESPONSE_KEY, RESPONSE_NIK, RESPONSE_CODE, RESPONSE_COLUMN,
                    RESPONSE_NEW_VALUE, RESPONSE_EVIDENCE]
RESPONSE_ADD, RESPONSE_REMOVE, RESPONSE_CHANGE = "TAMBAH", "HAPUS", "UBAH"
RESPONSE_KINDS = [RESPONSE_ADD, RESPONSE_REMOVE, RESPONSE_CHANGE]
# A TAMBAH row gives the voter's data under the KPU list headers; `DESA` is accepted for the village.
RESPONSE_SHORT_VILLAGE = "DESA"

# --- 9. Printed and downloaded tables -----------------------------------------------------------

# An election list (DPS, DPT, DPTb) as a workbook: one sheet named after the stage, KPU_HEADERS.
ELECTION_STAGES = ["DPS", "DPT", "DPTb"]
# Logistics per TPS (logistik.xlsx and logistik.pdf): what the counts come in with, then the
# amounts each TPS, village and kecamatan needs (column -> header).
LOGISTICS_COUNT_COLUMNS = ["kecamatan", "desa", "kode_desa", "tps", "pemilih"]
LOGISTICS_AMOUNT_HEADERS = {"pemilih": "Pemilih", "cadangan": "Cadangan", "surat_suara": "Surat Suara",
                            "kotak_suara": "Kotak Suara", "bilik_suara": "Bilik Suara", "tinta": "Tinta",
                            "segel": "Segel", "formulir": "Formulir"}
LOGISTICS_AMOUNTS = list(LOGISTICS_AMOUNT_HEADERS)
LOGISTICS_SHEETS = ["Per TPS", "Per Desa", "Per Kecamatan", "Parameter"]
# What a row of those tables is about (the columns before the amounts).
LOGISTICS_PLACE_HEADERS = {"kecamatan": "Kecamatan", "desa": "Desa/Lembang", "kode_desa": "Kode Desa", "tps": "TPS",
                           "jumlah_desa": "Jumlah Desa", "jumlah_tps": "Jumlah TPS"}
LOGISTICS_PARAMETER_HEADERS = ["Parameter", "Nilai", "Keterangan"]
# The TPS table of a village (web download): TPS, voters by sex, then the logistics amounts.
TPS_TABLE_HEADERS = {"tps": "TPS", "l": "Laki-laki", "p": "Perempuan",
                     **LOGISTICS_AMOUNT_HEADERS, "pemilih": "Jumlah pemilih"}
# ... followed by the TPS's place from the election's TPS register (blank when not entered).
TPS_PLACE_HEADERS = {"place": "Tempat TPS", "address": "Alamat TPS", "coordinates": "Koordinat"}
def recap_tms_column(code: str) -> str:
    """The recap's measure column of a TMS code: `TMS-1` -> `tms_1` (`tms_1_l`, `tms_1_p`, ...)."""
    return code.lower().replace("-", "_")


# What the recap counts each voter by (the list at a moment, as the store's replay gives it).
RECAP_PLACE = ["kecamatan", "desa", "kode_desa"]
RECAP_STATE_COLUMNS = ["key", *RECAP_PLACE, "tps", "jenis_kelamin", "ktp_el"]
# Per village and kecamatan: the TPS its voters are listed at the end of the period (KPU's TPS),
# and per kecamatan its Kemendagri code (`73.26.01`), the order every recap lists kecamatan in.
RECAP_TPS, RECAP_KECAMATAN_CODE = "jumlah_tps", "kode_kecamatan"


# rekap.xlsx (and KPU's recap): two sheets, a two-row header of measure over L / P / JML.
RECAP_SHEETS = ["Per Desa", "Per Kecamatan"]
RECAP_SEXES = {"l": "L", "p": "P", "jml": "JML"}
RECAP_VILLAGE_LABELS = ["KECAMATAN", "DESA/KELURAHAN", "KODE DESA", "JUMLAH TPS"]
RECAP_KECAMATAN_LABELS = ["KECAMATAN", "KODE KECAMATAN", "JUMLAH DESA", "JUMLAH TPS"]
RECAP_MEASURES_BEFORE_TMS = {"awal": "PEMILIH AWAL", "baru": "PEMILIH BARU (B)"}
RECAP_MEASURES_AFTER_TMS = {"tms": "JUMLAH TMS", "ubah": "PERBAIKAN DATA (U)",
                            "jk_masuk": "PERBAIKAN JENIS KELAMIN: MASUK",
                            "jk_keluar": "PERBAIKAN JENIS KELAMIN: KELUAR",
                            "tanpa_ktpel": "BELUM KTP-EL", "akhir": "PEMILIH AKHIR"}
RECAP_MEASURES = {**RECAP_MEASURES_BEFORE_TMS, **RECAP_MEASURES_AFTER_TMS}  # each TMS code's between


# The ballot minutes per TPS and the equipment receipts per village (`pemilih surat-suara cetak`):
# folders and file names; {desa} is the village code without dots, {tps} three digits.
BALLOT_MINUTES_DIR, BALLOT_MINUTES_FILE = "ba_surat_suara", "BA_SURAT_SUARA_{desa}_TPS{tps}.pdf"
LOGISTICS_RECEIPT_DIR, LOGISTICS_RECEIPT_FILE = "tanda_terima_logistik", "TANDA_TERIMA_LOGISTIK_{desa}.pdf"

# Equipment loans (pinjam pakai, `pemilih logistik`): the documents' folder and files ({pemilihan}
# the election's code, {nomor} the event's seq, {desa} the village code without dots), the
# workbook's sheets and the columns of the register and of the outstanding-loans report.
LOAN_DIR = "pinjam_pakai"
LOAN_AGREEMENT_FILE = "PERJANJIAN_PINJAM_PAKAI_{pemilihan}.pdf"
LOAN_HANDOVER_FILE = "BA_SERAH_TERIMA_PINJAM_PAKAI_{pemilihan}_{nomor}.pdf"
LOAN_RETURN_FILE = "BA_PENGEMBALIAN_PINJAM_PAKAI_{pemilihan}_{desa}_{nomor}.pdf"
LOAN_WORKBOOK = "pinjam_pakai.xlsx"
LOAN_SHEETS = ["Inventaris", "Tunggakan per Desa", "Tunggakan per Barang"]
LOAN_INVENTORY_HEADERS = {"barang": "Barang", "gudang": "Gudang", "kondisi": "Kondisi", "jumlah": "Jumlah"}
LOAN_REPORT_HEADERS = {"pemilihan": "Pemilihan", "kode_desa": "Kode Desa", "desa": "Desa/Lembang", "barang": "Barang",
                       "dipinjam": "Dipinjam", "kembali_baik": "Kembali Baik", "rusak": "Kembali Rusak",
                       "hilang": "Hilang", "belum_kembali": "Belum Kembali"}


# --- 10. Encoded civil-registry extract (docs/registry-encoding.md) ------------------------------

# `pemilih registry encode`: the extract with NIK and NKK as keyed tokens and name, birth date,
# birthplace and address as Bloom-filter encodings (CLK); in clear only what a finding states.
# A CSV (UTF-8, no BOM, every value text, comma-separated), one row per row of the extract.
ENCODED_REGISTRY_HEADERS = {
    "token_nik": "TOKEN_NIK", "token_nkk": "TOKEN_NO_KK",
    "clk_nama": "CLK_NAMA_LGKP", "clk_tanggal_lahir": "CLK_TGL_LHR",
    "clk_tempat_lahir": "CLK_TMPT_LHR", "clk_alamat": "CLK_ALAMAT",
    "jenis_kelamin": "JENIS_KLMIN", "kode_wilayah": "KODE_WILAYAH", "kelas_pekerjaan": "KELAS_PKRJN",
    "status": "STATUS", "tgl_mati": "TGL_MATI", "tgl_pindah": "TGL_PINDAH",
    "kode_wilayah_tujuan": "KODE_WILAYAH_TUJUAN", "tgl_datang": "TGL_DATANG", "id_kunci": "ID_KUNCI",
    # Added for `pemilih verify` on the encoded form (appended: a file without them is the
    # first form, read but refused by verify with a request to encode it again).
    "thn_lahir": "THN_LHR", "status_kawin": "STAT_KWN", "token_tanggal_lahir": "TOKEN_TGL_LHR",
    "token_nama": "TOKEN_NAMA", "token_kata_nama": "TOKEN_KATA_NAMA", "token_nik_wilayah": "TOKEN_NIK_WIL",
    "token_nik_wilayah_urut": "TOKEN_NIK_WIL_URUT",
}
# The columns of ENCODED_REGISTRY_HEADERS linkage on the encoded form needs that the first form lacked.
ENCODED_LINKAGE_COLUMNS = ("thn_lahir", "status_kawin", "token_tanggal_lahir", "token_nama", "token_kata_nama",
                           "token_nik_wilayah", "token_nik_wilayah_urut")
# How a finding names a registry record of an encoded extract (NIK DUKCAPIL): this letter, then
# the first ENCODED_REF_DIGITS hex digits of its NIK token; never 16 digits, so never a NIK.
ENCODED_REF_PREFIX = "T"
ENCODED_REF_DIGITS = 16
WORD_TOKEN_DIGITS = 16  # hex digits of each name word's token in TOKEN_KATA_NAMA (blocking only)
# Encoded column -> the registry column it encodes (the tokens and the CLKs).
ENCODED_FROM = {"token_nik": "nik", "token_nkk": "nkk", "clk_nama": "nama", "clk_tanggal_lahir": "tanggal_lahir",
                "clk_tempat_lahir": "tempat_lahir", "clk_alamat": "alamat"}
# KELAS_PKRJN: the occupation reduced to what TMS-6 and TMS-7 need.
OCCUPATION_CLASSES = {OCCUPATION_TNI: "TNI", OCCUPATION_POLRI: "POLRI"}
OCCUPATION_OTHER = "LAIN"
CLK_BITS = 1024  # the length of every Bloom filter, in bits
CLK_HASHES = 20  # bit positions set per bigram
KEY_BYTES = 32  # the secret key
KEY_FILE_HEADER = "pemilih kunci-enkode-dukcapil v1"  # the first line of a key file; base64 of the key below
