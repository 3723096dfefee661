"""Step: the settings of the printed documents, entered once and used by every document.

Per agency: its full name (the name printed in headings, parties and signature blocks), its
signatory (name, position, NIP) and a numbering pattern per document kind, with a running
number per year. Stored as events (store/documents.py); when nothing is set, defaults are
derived from the regency's name (`Komisi Pemilihan Umum Kabupaten Toraja Utara`), the
signatory's name and NIP are left as dotted lines to fill in by hand, and numbers follow
DEFAULT_PATTERN.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from pemilih.cycle.common import StepError, Who

# Agency code -> its name before the regency's (domain/agencies.AGENCIES in full, as printed).
FULL_NAMES = {
    "KPU": "Komisi Pemilihan Umum",
    "DPML": "Dinas Pemberdayaan Masyarakat Lembang",
    "DISDUKCAPIL": "Dinas Kependudukan dan Pencatatan Sipil",
    "PANITIA": "Panitia Pemilihan Kepala Lembang",
}
DEFAULT_POSITIONS = {"KPU": "Ketua", "DPML": "Kepala Dinas", "DISDUKCAPIL": "Kepala Dinas",
                     "PANITIA": "Ketua Panitia"}
# Document kind -> (name, short code in its number). The keys are those of the demo's summary.
DOCUMENT_KINDS = {
    "ba_serah_terima": ("Berita acara serah terima data pemilih", "BA-ST"),
    "sk_dps": ("Keputusan penetapan DPS", "SK-DPS"),
    "ba_dps": ("Berita acara penetapan DPS", "BA-DPS"),
    "sk_dpt": ("Keputusan penetapan DPT", "SK-DPT"),
    "ba_dpt": ("Berita acara penetapan DPT", "BA-DPT"),
    "ba_verifikasi": ("Berita acara verifikasi data pemilih", "BA-VER"),
    "ba_surat_suara": ("Berita acara serah terima dan penggunaan surat suara", "BA-SS"),
    "tanda_terima_logistik": ("Tanda terima logistik pemungutan suara", "TT-LOG"),
    "laporan_rakor": ("Laporan rapat koordinasi", "LAP-RAKOR"),
    "laporan_pendidikan": ("Laporan kegiatan pendidikan pemilih", "LAP-DIKLIH"),
    "salinan_dpt_kpps": ("Salinan DPT untuk KPPS", "SAL-DPT"),
    "undangan": ("Surat undangan memberikan suara", "UND"),
    "daftar_tps": ("Daftar tempat pemungutan suara", "DAF-TPS"),
    "perjanjian_pinjam_pakai": ("Perjanjian pinjam pakai perlengkapan pemilihan", "PP"),
    "ba_serah_terima_pinjam_pakai": ("Berita acara serah terima barang pinjam pakai", "BA-STPP"),
    "ba_pengembalian_pinjam_pakai": ("Berita acara pengembalian barang pinjam pakai", "BA-KPP"),
    "laporan_dp3": ("Laporan tahunan program Desa Peduli Pemilu dan Pemilihan", "LAP-DP3"),
}
DEFAULT_PATTERN = "{nomor}/{kode}/{instansi}/{bulan}/{tahun}"
PLACEHOLDERS = ("nomor", "kode", "instansi", "bulan", "tahun")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
BLANK_NAME = "." * 36  # to be filled in by hand
BLANK_NIP = "." * 24
# Keys of the settings (the command's options say what each holds).
NAME, SIGNER, POSITION, NIP = "nama_lengkap", "penandatangan", "jabatan", "nip"
PATTERN_PREFIX = "pola:"
# Every village has its own committee: its signatory is set per village, stored under
# `PANITIA@<village code>`; what is set for PANITIA alone (patterns, a position) applies to all.
VILLAGE_AGENCY, VILLAGE_MARK = "PANITIA", "@"
OWN_KEYS = (NAME, SIGNER, NIP)  # a committee's own: never taken from the agency's settings
_NIP = re.compile(r"^[0-9]{18}$")
_FIELD = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Profile:
    """What a document prints of an agency."""

    agency: str
    full_name: str
    signer: str  # the signatory's name, or a dotted line
    position: str
    nip: str  # grouped as printed (8 6 1 3), or a dotted line
    set_keys: frozenset  # which of the above were set rather than defaulted


@dataclass(frozen=True)
class SettingsRequest:
    agency: str
    who: Who
    full_name: str | None = None
    signer: str | None = None
    position: str | None = None
    nip: str | None = None
    kind: str | None = None  # with pattern: the document kind the numbering pattern is for
    pattern: str | None = None
    village: str | None = None  # a village's own committee (PANITIA only): its chairman signs its papers

    def key(self) -> str:
        """Whose settings these are: the agency, or a village's committee (`PANITIA@73.26.01.2001`)."""
        return settings_key(self.agency, self.village)

    def values(self) -> dict[str, str]:
        if self.agency not in FULL_NAMES:
            raise StepError(f"Lembaga '{self.agency}' tidak dikenal; pilih salah satu: {', '.join(FULL_NAMES)}")
        if self.village is not None:
            _check_village(self.agency, self.village)
        out = {}
        for key, value in ((NAME, self.full_name), (SIGNER, self.signer), (POSITION, self.position)):
            if value is not None:
                if not value.strip():
                    raise StepError(f"Isian '{key}' tidak boleh kosong")
                out[key] = " ".join(value.split())
        if self.nip is not None:
            digits = re.sub(r"[\s.]", "", self.nip)
            if not _NIP.match(digits):
                raise StepError("NIP harus 18 angka (spasi boleh), mis. 19700101 199003 1 002")
            out[NIP] = digits
        if (self.kind is None) != (self.pattern is None):
            raise StepError("Pola nomor disebut bersama jenis dokumennya (--jenis dan --pola)")
        if self.kind is not None:
            check_pattern(self.kind, self.pattern)
            out[PATTERN_PREFIX + self.kind] = self.pattern.strip()
        if not out:
            raise StepError("Tidak ada yang diatur: sebut sedikitnya satu isian (mis. --penandatangan, --nip)")
        return out


def settings_key(agency: str, village: str | None = None) -> str:
    return f"{agency}{VILLAGE_MARK}{village}" if village else agency


def _check_village(agency: str, village: str) -> None:
    from pemilih.domain.regions import canonical_code, is_village_code
    if agency != VILLAGE_AGENCY:
        raise StepError(f"Desa/lembang hanya disebut untuk panitia pemilihan ({VILLAGE_AGENCY}), bukan {agency}")
    if canonical_code(village) != village or not is_village_code(village):
        raise StepError(f"Kode desa/lembang '{village}' tidak dikenal (tulis seperti 73.26.01.2001)")


def check_pattern(kind: str, pattern: str) -> None:
    if kind not in DOCUMENT_KINDS:
        raise StepError(f"Jenis dokumen '{kind}' tidak dikenal; pilih salah satu: {', '.join(DOCUMENT_KINDS)}")
    names = _FIELD.findall(pattern or "")
    unknown = [n for n in names if n not in PLACEHOLDERS]
    if unknown:
        raise StepError(f"Pola nomor memuat {{{unknown[0]}}} yang tidak dikenal; yang dikenal: "
                        + ", ".join(f"{{{p}}}" for p in PLACEHOLDERS))
    if "nomor" not in names:
        raise StepError("Pola nomor wajib memuat {nomor} (nomor urut per tahun)")


def record(ws, request: SettingsRequest) -> int:
    """Record the settings the request sets; returns the event's seq."""
    from pemilih.store import documents
    values = request.values()
    return documents.record(ws, request.key(), values, actor=request.who.actor, agency_of_actor=request.who.agency,
                            reason=request.who.reason)


def settings(ws) -> dict[str, dict[str, str]]:
    from pemilih.store import documents
    return documents.current(ws)


def profile(stored: dict[str, dict[str, str]], agency: str, regency: str, village: str | None = None,
            listed: str = "") -> Profile:
    """The agency's printed profile from the stored settings (`settings(ws)`), defaults filled
    in from `regency` (its name, e.g. `Kabupaten Toraja Utara`). With `village` (a committee):
    that village's committee, its signatory and NIP its own or dotted lines, never another's
    (`listed`: the village's name as the list spells it, for a village the reference lacks)."""
    own = stored.get(agency, {})
    if village:
        own = {k: v for k, v in own.items() if k not in OWN_KEYS} | stored.get(settings_key(agency, village), {})
        default_name = committee_name(village, listed)
    else:
        default_name = f"{FULL_NAMES.get(agency, agency)} {regency}".strip()
    nip = own.get(NIP)
    return Profile(agency, own.get(NAME) or default_name, own.get(SIGNER) or BLANK_NAME,
                   own.get(POSITION) or DEFAULT_POSITIONS.get(agency, "Pimpinan"),
                   grouped_nip(nip) if nip else BLANK_NIP,
                   frozenset(k for k in (NAME, SIGNER, POSITION, NIP) if own.get(k)))


def village_of(kode_desa: str, listed: str = "") -> tuple[str, str, str]:
    """(name, title, kecamatan) of a village: `Limbong`, `Lembang Limbong`, `Rantepao` from the
    region reference; for a village the reference lacks, the list's own spelling of its name."""
    from pemilih.domain.region_tables import village_names, village_title
    found = village_names(kode_desa)
    if found is None:
        name = (listed or kode_desa).title()
        return name, name, ""
    return found[0], village_title(kode_desa), found[1]


def committee_name(kode_desa: str, listed: str = "") -> str:
    """A village's committee as printed: `Panitia Pemilihan Kepala Lembang Limbong`."""
    return f"{FULL_NAMES[VILLAGE_AGENCY]} {village_of(kode_desa, listed)[0]}"


def grouped_nip(nip: str) -> str:
    """`197001011990031002` -> `19700101 199003 1 002` (birth date, appointment, sex, serial):
    how a NIP is printed, and no run of digits that reads like a NIK."""
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}" if _NIP.match(nip or "") else (nip or "")


def pattern_of(stored: dict[str, dict[str, str]], agency: str, kind: str) -> str:
    return stored.get(agency, {}).get(PATTERN_PREFIX + kind) or DEFAULT_PATTERN


def number(stored: dict[str, dict[str, str]], agency: str, kind: str, day: date, running: int) -> str:
    """The document's number: the agency's pattern for `kind` with the running number of the
    year (`running`, from 1), the month in Roman numerals and the year."""
    check_pattern(kind, pattern_of(stored, agency, kind))
    return pattern_of(stored, agency, kind).format(
        nomor=f"{running:03d}", kode=DOCUMENT_KINDS[kind][1], instansi=agency, bulan=ROMAN[day.month - 1],
        tahun=day.year)


def issue(ws, agency: str, kind: str, day: date, subject: str, who: Who, series: str = "") -> str:
    """The number of `agency`'s document of `kind` about `subject` (e.g. `PILKALEM2027/DPS/
    73.26.01.2001`): given once, recorded as an event, the same when printed again; the running
    number counts the agency's documents of that kind in the year of `day` (within `series`:
    the village of a committee, every village's committee being its own issuer)."""
    from pemilih.store import documents
    stored = settings(ws)
    return documents.issue(ws, agency, kind, subject, day.year,
                           lambda running: number(stored, agency, kind, day, running),
                           actor=who.actor, agency_of_actor=who.agency, reason=who.reason or f"Penerbitan {kind}",
                           series=series)


def regency_of(ws) -> str:
    """The regency's name for the workspace's list (`Kabupaten Toraja Utara`), '' when unknown."""
    from pemilih.domain.regions import regency_name
    from pemilih.store import handback
    return regency_name(handback.regency_code(ws))


def listing(ws) -> list[tuple[str, list[tuple[str, str, bool]]]]:
    """Per agency: (label, value, set) lines, for `pemilih dokumen daftar` and the web."""
    stored, regency = settings(ws), regency_of(ws)
    out = []
    villages = sorted(k.split(VILLAGE_MARK, 1)[1] for k in stored if k.startswith(VILLAGE_AGENCY + VILLAGE_MARK))
    for agency, village in [(a, None) for a in FULL_NAMES] + [(VILLAGE_AGENCY, v) for v in villages]:
        p = profile(stored, agency, regency, village)
        lines = [("Nama lengkap", p.full_name, NAME in p.set_keys),
                 ("Penandatangan", p.signer, SIGNER in p.set_keys),
                 ("Jabatan", p.position, POSITION in p.set_keys),
                 ("NIP", p.nip, NIP in p.set_keys)]
        for kind in DOCUMENT_KINDS:
            own = stored.get(agency, {}).get(PATTERN_PREFIX + kind)
            if own:
                lines.append((f"Pola nomor {kind}", own, True))
        lines.append(("Pola nomor lainnya", DEFAULT_PATTERN, False))
        out.append((settings_key(agency, village), lines))
    return out
