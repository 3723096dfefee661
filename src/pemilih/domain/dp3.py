"""The DP3 programme (Desa Peduli Pemilu dan Pemilihan): what KPU's focus villages, their
cadres and their activities must be, as the rules the steps check.

What the programme is, with the sources these rules rest on (docs/domain.md section 7):

- Technical guideline: Keputusan KPU 290/PP.06-Kpt/06/KPU/IV/2021 (kominfo.magetan.go.id,
  "program-desa-peduli-pemilu-untuk-perubahan-di-indonesia"; sulteng.antaranews.com/berita/243553).
- A focus village (*lokus*) is chosen for low participation, a high potential for election
  violations, or conflict or disaster risk (kalbar.kpu.go.id, "ketua-kpu-kalbar-dan-kades-
  rasau-jaya-tiga-tanda-tangani-pks-dp3-"): REASONS.
- A lokus is formalised by an agreement (perjanjian kerja sama, PKS, or nota kesepahaman)
  between KPU and the village head (kaltara.kpu.go.id, "program-desa-peduli-pemilu-dan-
  pemilihan-dp3-penandatanganan-nota-kesepahaman..."; the Kalbar source above).
- 25 cadres per lokus (TARGET_CADRES) from set components: women, persons with
  disabilities, first-time voters, young voters, and customary and religious leaders
  (sulteng.antaranews.com/berita/243553); community leaders (*tokoh masyarakat*) are named in
  the issue's text (issue 16) and in KPU's own descriptions, not in the sources above:
  COMPONENTS. Cadres are trained (Bimtek) and recruit further cadres (same source).
- The programme runs in yearly stages: 2021 knowledge (pengetahuan), 2022 awareness
  (kepedulian), 2023 volunteering (kesukarelaan), 2024 procedural and substantive democracy
  (kab-kutaikartanegara.kpu.go.id, "wujudkan-pendidikan-pemilih-berkelanjutan-kpu-kukar-ikuti-
  soft-launching-program-dp3"; the Magetan source above): STAGES.

UNCONFIRMED (checked nowhere official; decisions of this product until KPU says otherwise):
- any official DP3 reporting template (the reports here are this product's layout);
- whether the 25 cadres must be split over the components in set numbers (no such quota was
  found: the report shows the split, it does not refuse an uneven one);
- the stage of a year after 2024 (none was published): a later year continues the last stage;
- whether a DP3 lokus exists in Toraja Utara;
- whether the programme needs a cadre's NIK or birth date: no source asks for either, so none
  is collected. A cadre is its name, sex, component, optional phone and optional birth year
  (data minimisation: the year says enough for the first-time and young voter components).
- the "umum" (general public) segment of activity participants is this product's, for
  participants who belong to none of the components.

Counts are kept by sex (L, P) and component; every total is computed from them, never stored.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

DECISION = "Keputusan KPU Nomor 290/PP.06-Kpt/06/KPU/IV/2021"
PROGRAMME = "Desa Peduli Pemilu dan Pemilihan (DP3)"
TARGET_CADRES = 25  # per lokus

# code -> what the reports print
COMPONENTS = {
    "perempuan": "Perempuan",
    "disabilitas": "Penyandang disabilitas",
    "pemula": "Pemilih pemula",
    "muda": "Pemilih muda",
    "tokoh_masyarakat": "Tokoh masyarakat",
    "tokoh_adat": "Tokoh adat",
    "tokoh_agama": "Tokoh agama",
}
GENERAL = "umum"  # an activity's participants outside every component
SEGMENTS = {**COMPONENTS, GENERAL: "Masyarakat umum"}
REASONS = {
    "partisipasi_rendah": "Partisipasi pemilih rendah",
    "rawan_pelanggaran": "Potensi pelanggaran pemilu tinggi",
    "rawan_konflik": "Rawan konflik",
    "rawan_bencana": "Rawan bencana",
}
STAGES = {
    2021: "Pengetahuan",
    2022: "Kepedulian",
    2023: "Kesukarelaan",
    2024: "Demokrasi prosedural dan substantif",
}
FIRST_YEAR = min(STAGES)
SEXES = {"L": "Laki-laki", "P": "Perempuan"}
MODES = {"luring": "Luring (tatap muka)", "daring": "Daring"}
ACTIVITY_KINDS = {
    "sosialisasi": "Sosialisasi",
    "diskusi": "Diskusi kelompok",
    "simulasi": "Simulasi pemungutan suara",
    "kunjungan": "Kunjungan dari rumah ke rumah",
    "rekrutmen": "Rekrutmen kader",
    "lainnya": "Kegiatan lain",
}
MAX_PARTICIPANTS = 100_000  # far above any village activity: more is a typing error
OLDEST_BIRTH_YEAR = 1900


def stage_of(year: int) -> str:
    """The stage of a programme year; a year after the last published one continues it."""
    if year < FIRST_YEAR:
        raise ValueError(f"Program DP3 dimulai tahun {FIRST_YEAR}, bukan {year}")
    return STAGES[min(year, max(STAGES))]


def component_label(code: str) -> str:
    return SEGMENTS.get(code, code)


def reason_problems(reasons, where: str) -> list[str]:
    """What is wrong with a lokus's reasons (at least one, each of REASONS, none twice)."""
    out = []
    if not reasons:
        out.append(f"{where}: alasan penetapan lokus wajib diisi (pilih dari: {', '.join(REASONS)})")
    for r in reasons or ():
        if r not in REASONS:
            out.append(f"{where}: alasan '{r}' tidak dikenal; pilih dari: {', '.join(REASONS)}")
    if len(set(reasons or ())) != len(reasons or ()):
        out.append(f"{where}: alasan yang sama disebut dua kali")
    return out


def year_problems(year, on: date, where: str) -> list[str]:
    out = []
    if isinstance(year, bool) or not isinstance(year, int) or year < FIRST_YEAR:
        return [f"{where}: tahun program harus {FIRST_YEAR} atau sesudahnya, bukan {year!r}"]
    if on.year != year:
        out.append(f"{where}: tanggal {on:%d-%m-%Y} di luar tahun program {year}")
    return out


@dataclass(frozen=True)
class Cadre:
    """What the programme keeps of a cadre: minimal by design (module docstring)."""

    name: str
    sex: str  # L or P
    component: str  # a key of COMPONENTS
    birth_year: int | None = None
    phone: str | None = None


def cadre_problems(cadre: Cadre, *, registered_on: date, where: str) -> list[str]:
    out = []
    if not (cadre.name or "").strip():
        out.append(f"{where}: nama kader wajib diisi")
    elif any(ch.isdigit() for ch in cadre.name):
        out.append(f"{where}: nama kader tidak boleh memuat angka (NIK tidak dicatat program DP3)")
    if cadre.sex not in SEXES:
        out.append(f"{where}: jenis kelamin harus L atau P, bukan '{cadre.sex}'")
    if cadre.component not in COMPONENTS:
        out.append(f"{where}: komponen '{cadre.component}' tidak dikenal; pilih dari: {', '.join(COMPONENTS)}")
    if cadre.birth_year is not None:
        year = cadre.birth_year
        if isinstance(year, bool) or not isinstance(year, int) or not OLDEST_BIRTH_YEAR <= year <= registered_on.year:
            out.append(f"{where}: tahun lahir harus antara {OLDEST_BIRTH_YEAR} dan {registered_on.year}, "
                       f"bukan {year!r}")
    if cadre.phone is not None:
        digits = cadre.phone.replace(" ", "").replace("-", "").removeprefix("+")
        if not digits.isdigit() or not 8 <= len(digits) <= 14:
            out.append(f"{where}: nomor telepon harus 8 sampai 14 angka")
    if cadre.component == "perempuan" and cadre.sex == "L":
        out.append(f"{where}: komponen perempuan dengan jenis kelamin L")
    return out


def participant_problems(participants: dict, where: str) -> list[str]:
    """`participants`: segment -> {"L": n, "P": n}; each a whole number 0 or more, at least one."""
    out = []
    if not isinstance(participants, dict) or not participants:
        return [f"{where}: jumlah peserta per komponen dan jenis kelamin wajib diisi"]
    for segment, by_sex in participants.items():
        if segment not in SEGMENTS:
            out.append(f"{where}: komponen peserta '{segment}' tidak dikenal; pilih dari: {', '.join(SEGMENTS)}")
            continue
        if not isinstance(by_sex, dict) or set(by_sex) - set(SEXES):
            out.append(f"{where}: peserta {SEGMENTS[segment]}: jenis kelamin harus L atau P")
            continue
        for sex, n in by_sex.items():
            if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= MAX_PARTICIPANTS:
                out.append(f"{where}: peserta {SEGMENTS[segment]} {sex}: isi bilangan bulat 0 sampai "
                           f"{MAX_PARTICIPANTS}, bukan {n!r}")
    if not out and total(participants) == 0:
        out.append(f"{where}: kegiatan tanpa peserta")
    return out


def total(participants: dict) -> int:
    return sum(n for by_sex in participants.values() for n in by_sex.values())


def add_counts(into: dict, segment: str, sex: str, n: int = 1) -> None:
    """into[segment][sex] += n: the one way counts by component and sex are summed."""
    row = into.setdefault(segment, {s: 0 for s in SEXES})
    row[sex] = row.get(sex, 0) + n


def count_rows(counts: dict, segments: dict = SEGMENTS) -> list[tuple[str, int, int, int]]:
    """(label, L, P, total) per segment in the programme's order, then the total: as every
    report prints them."""
    rows, men, women = [], 0, 0
    for code, label in segments.items():
        by_sex = counts.get(code, {})
        l_, p_ = by_sex.get("L", 0), by_sex.get("P", 0)
        rows.append((label, l_, p_, l_ + p_))
        men, women = men + l_, women + p_
    rows.append(("Jumlah", men, women, men + women))
    return rows
