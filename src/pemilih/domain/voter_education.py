"""Voter education (pendidikan pemilih): the kinds of activity, the segments of voters they
are for, and the rules a record of the participants must keep.

An activity is held in one village on one day, of one kind, on a topic, for one or more
segments (the voters it was planned for). Its participants are counted by sex (L, P) and by
segment, each participant once, in the segment they came as: the segments' L add up to the
L of the activity and their P to its P. The segment of women holds no men. A record that
breaks any of this is refused with the activity and the numbers named, so the recorder can
find the wrong figure on the attendance sheet. No participant's name or NIK is recorded:
counts only (photos are files, kept apart and shown only to whom the activity belongs).

Segments follow KPU's voter-education bases (Pedoman pendidikan pemilih: pemilih pemula,
pemilih muda, perempuan, penyandang disabilitas, kelompok marjinal, tokoh masyarakat, adat
dan agama), with `umum` for the public at large.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# kind -> what pages and documents call it
KINDS = {
    "sosialisasi": "Sosialisasi tatap muka",
    "simulasi": "Simulasi pemungutan suara",
    "pintu_ke_pintu": "Dari pintu ke pintu",
    "daring": "Daring (online)",
    "diskusi": "Diskusi kelompok terarah",
    "pentas": "Pentas seni dan budaya",
    "lainnya": "Lainnya",
}
# segment -> what pages and documents call it
SEGMENTS = {
    "pemula": "Pemilih pemula",
    "muda": "Pemilih muda",
    "perempuan": "Perempuan",
    "disabilitas": "Penyandang disabilitas",
    "marjinal": "Kelompok marjinal",
    "tokoh": "Tokoh masyarakat, adat dan agama",
    "umum": "Masyarakat umum",
}
WOMEN_ONLY = "perempuan"  # the segment with no men in it
SEXES = ("L", "P")
TOPIC_CHARS = 200
MATERIALS_CHARS = 500
PHOTO_BYTES = 10 * 1024 * 1024  # one photo; a phone's photo is 2-5 MB
PHOTOS = 10  # per record
# What a photo may be, by the bytes it starts with (not by its name): JPEG, PNG, PDF.
PHOTO_MAGIC = {b"\xff\xd8\xff": "JPEG", b"\x89PNG\r\n\x1a\n": "PNG", b"%PDF-": "PDF"}

# The last general election's voting day (Pemilu 2024, PKPU 3/2022): a voter too young to vote
# then votes for the first time now (pemilih pemula). Another day may be given.
LAST_GENERAL_ELECTION = date(2024, 2, 14)


@dataclass(frozen=True)
class Attendance:
    """The participants of one activity: men and women in all, and per segment (L, P)."""

    men: int
    women: int
    by_segment: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.men + self.women

    def as_payload(self) -> dict:
        return {"men": self.men, "women": self.women,
                "by_segment": {s: [lp[0], lp[1]] for s, lp in self.by_segment.items()}}

    @classmethod
    def from_payload(cls, data: dict) -> Attendance:
        return cls(data["men"], data["women"], {s: (int(v[0]), int(v[1])) for s, v in data["by_segment"].items()})


def _count_problem(value, what: str, place: str) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return f"{place}: {what} harus bilangan bulat, bukan {value!r}"
    if value < 0:
        return f"{place}: {what} tidak boleh negatif ({value})"
    return None


def attendance_problems(attendance: Attendance, *, place: str) -> list[str]:
    """What is wrong with the participants of the activity named `place` (e.g. `Sosialisasi
    tatap muka di 73.26.01.2001 pada 12-05-2026`); empty when they hold."""
    out = [p for p in (_count_problem(attendance.men, "jumlah peserta laki-laki (L)", place),
                       _count_problem(attendance.women, "jumlah peserta perempuan (P)", place)) if p]
    if not attendance.by_segment:
        out.append(f"{place}: peserta menurut segmen belum diisi (setiap peserta dihitung sekali, pada satu segmen)")
    for segment, pair in attendance.by_segment.items():
        if segment not in SEGMENTS:
            out.append(f"{place}: segmen '{segment}' tidak dikenal; pilih: {', '.join(SEGMENTS)}")
            continue
        if not isinstance(pair, tuple) or len(pair) != 2:
            out.append(f"{place}: segmen {SEGMENTS[segment]}: isi jumlah L dan P")
            continue
        for sex, value in zip(SEXES, pair):
            found = _count_problem(value, f"segmen {SEGMENTS[segment]} {sex}", place)
            if found:
                out.append(found)
    if out:
        return out
    men = sum(lp[0] for lp in attendance.by_segment.values())
    women = sum(lp[1] for lp in attendance.by_segment.values())
    if men != attendance.men:
        out.append(f"{place}: peserta laki-laki menurut segmen berjumlah {men}, sedangkan peserta laki-laki (L) "
                   f"{attendance.men} (selisih {abs(men - attendance.men)}); setiap peserta dihitung sekali")
    if women != attendance.women:
        out.append(f"{place}: peserta perempuan menurut segmen berjumlah {women}, sedangkan peserta perempuan (P) "
                   f"{attendance.women} (selisih {abs(women - attendance.women)}); setiap peserta dihitung sekali")
    if attendance.by_segment.get(WOMEN_ONLY, (0, 0))[0]:
        out.append(f"{place}: segmen {SEGMENTS[WOMEN_ONLY]} memuat {attendance.by_segment[WOMEN_ONLY][0]} "
                   "peserta laki-laki; catat mereka pada segmen lain")
    if attendance.total == 0:
        out.append(f"{place}: kegiatan tanpa peserta tidak dicatat (L dan P keduanya 0)")
    return out


def activity_problems(*, kind: str, topic: str, segments: tuple[str, ...], day: date, today: date,
                      materials: str, place: str) -> list[str]:
    """What is wrong with the activity itself (kind, topic, planned segments, day)."""
    out = []
    if kind not in KINDS:
        out.append(f"{place}: jenis kegiatan '{kind}' tidak dikenal; pilih: {', '.join(KINDS)}")
    if not topic.strip():
        out.append(f"{place}: tema kegiatan kosong")
    elif len(topic) > TOPIC_CHARS:
        out.append(f"{place}: tema kegiatan terlalu panjang ({len(topic)} huruf; paling banyak {TOPIC_CHARS})")
    if len(materials) > MATERIALS_CHARS:
        out.append(f"{place}: uraian materi terlalu panjang ({len(materials)} huruf; paling banyak {MATERIALS_CHARS})")
    if not segments:
        out.append(f"{place}: sasaran kegiatan (segmen) belum dipilih")
    for segment in segments:
        if segment not in SEGMENTS:
            out.append(f"{place}: segmen sasaran '{segment}' tidak dikenal; pilih: {', '.join(SEGMENTS)}")
    if len(set(segments)) != len(segments):
        out.append(f"{place}: segmen sasaran disebut lebih dari sekali")
    if day > today:
        out.append(f"{place}: tanggal kegiatan {day:%d-%m-%Y} belum tiba (hari ini {today:%d-%m-%Y}); "
                   "kegiatan dicatat sesudah dilaksanakan")
    return out


def photo_problem(name: str, content: bytes) -> str | None:
    """Why a photo file is refused (empty, too big, not a JPEG, PNG or PDF), or None."""
    if not content:
        return f"Berkas foto '{name}' kosong"
    if len(content) > PHOTO_BYTES:
        return (f"Berkas foto '{name}' terlalu besar ({len(content) / 1024 / 1024:.1f} MB; paling besar "
                f"{PHOTO_BYTES // 1024 // 1024} MB)").replace(".", ",", 1)
    if not any(content.startswith(magic) for magic in PHOTO_MAGIC):
        return f"Berkas foto '{name}' bukan JPEG, PNG atau PDF"
    return None


@dataclass(frozen=True)
class Tally:
    """Activities and their participants added up: in all, by sex, and per segment (L, P)."""

    activities: int
    men: int
    women: int
    by_segment: dict[str, tuple[int, int]]

    @property
    def total(self) -> int:
        return self.men + self.women


def tally(attendances) -> Tally:
    """The sum of some activities' attendances (each checked by attendance_problems), every
    segment of SEGMENTS present, in its order."""
    men = women = n = 0
    segments = {s: [0, 0] for s in SEGMENTS}
    for a in attendances:
        n, men, women = n + 1, men + a.men, women + a.women
        for segment, (m, w) in a.by_segment.items():
            segments[segment][0] += m
            segments[segment][1] += w
    return Tally(n, men, women, {s: (m, w) for s, (m, w) in segments.items()})


def share_text(value: float | None, places: int = 1) -> str:
    """A share or score as written in Indonesia, half rounded up: 81.25 -> `81,3`; None -> ``."""
    from decimal import ROUND_HALF_UP, Decimal
    if value is None:
        return ""
    step = Decimal(1).scaleb(-places)
    return str(Decimal(repr(value)).quantize(step, rounding=ROUND_HALF_UP)).replace(".", ",")
