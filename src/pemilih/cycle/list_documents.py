"""Step: the papers that make a set DPS or DPT an act: per village of the election, the
committee's decision (keputusan, SK) setting the list and the minutes (berita acara, BA) of
the plenary meeting that set it.

Each gets its number once (cycle/documents.issue, subject `<election>/<stage>/<village>`):
printing again keeps it. The committee is the village's (`Panitia Pemilihan Kepala Lembang
Limbong`: documents.FULL_NAMES with the village's name from the region reference); its chairman
is the committee's signatory of the document settings (dotted lines when not set). The DPS's
papers carry its announcement period and response deadline from the election's schedule; the
DPT's minutes the changes since the DPS (voters added, struck, corrected). The announcement
sheets then cite the decision's number (`decision_reference`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pemilih.contract import KPU_COLUMNS
from pemilih.cycle import documents
from pemilih.cycle.common import Who

KINDS = {"DPS": ("sk_dps", "ba_dps"), "DPT": ("sk_dpt", "ba_dpt")}  # stage -> (decision, minutes)
FOLDER = "keputusan"
AGENCY = "PANITIA"
MEMBER_POSITIONS = ("Sekretaris", "Anggota")  # who signs the minutes besides the chairman
# Laws every village-head election's decision rests on (domain.md section 5.1).
LEGAL_BASIS = (
    "Undang-Undang Nomor 6 Tahun 2014 tentang Desa",
    "Peraturan Menteri Dalam Negeri Nomor 112 Tahun 2014 tentang Pemilihan Kepala Desa sebagaimana telah diubah "
    "beberapa kali, terakhir dengan Peraturan Menteri Dalam Negeri Nomor 72 Tahun 2020",
)
# The regency's own rule on the election of its village heads (domain.md section 5.2).
REGENCY_RULES = {
    "73.26": "Peraturan Daerah Kabupaten Toraja Utara Nomor 6 Tahun 2014 tentang Tata Cara Pencalonan, "
             "Pemilihan, Pengangkatan dan Pelantikan Kepala Lembang",
}
# Columns whose change makes a voter `corrected` on the DPT's minutes: all but the names of the
# region (they follow the code) and KPU's own TPS and row number.
COMPARED_COLUMNS = tuple(c for c in KPU_COLUMNS if c not in ("kecamatan", "desa", "tps", "no"))


@dataclass
class ListPapers:
    """What was printed: per document kind its paths; per village the decision's reference as
    the announcement sheets cite it."""

    paths: dict[str, list[Path]] = field(default_factory=dict)
    references: dict[str, str] = field(default_factory=dict)

    @property
    def all(self) -> list[Path]:
        return [p for found in self.paths.values() for p in found]


def subject(code: str, stage: str, kode_desa: str) -> str:
    return f"{code}/{stage}/{kode_desa}"


def decision_reference(committee: str, number: str) -> str:
    """How a document cites the decision: `Keputusan Panitia ... Nomor 001/SK-DPS/...`."""
    return f"Keputusan {committee} Nomor {number}"


def kind_of(path: Path) -> str | None:
    """The document kind of a file this step printed (`SK_DPS_...pdf` -> `sk_dps`), else None."""
    match = re.match(r"^(SK|BA)_(DPS|DPT)_", Path(path).name)
    return f"{match[1]}_{match[2]}".lower() if match else None


def reference_of(ws, code: str, stage: str, kode_desa: str, listed: str = "") -> str | None:
    """The decision's reference for a village's announcement printed later (the web), when the
    decision was issued; nothing is issued here."""
    from pemilih.store import documents as stored
    if stage not in KINDS:
        return None
    number = stored.issued(ws, AGENCY, KINDS[stage][0], subject(code, stage, kode_desa))
    if not number:
        return None
    committee = documents.profile(documents.settings(ws), AGENCY, "", village=kode_desa, listed=listed)
    return decision_reference(committee.full_name, number)  # as the decision's letterhead names it


def write(ws, made, e, out: Path, who: Who, village: str | None = None) -> ListPapers:
    """The decision and the minutes of every village on the set list `made`
    (store.elections.SetList) into `out`/keputusan (of `village` only, when given); nothing for
    a stage without them (DPTb)."""
    import polars as pl

    from pemilih.domain.regions import regency_name
    from pemilih.engine.election_lists import named, sex_counts
    from pemilih.io.announcement_pdf import file_name
    from pemilih.io.decision_pdf import ListPaper, write_decision, write_list_minutes
    from pemilih.store import elections
    stage = made.list.stage
    printed = ListPapers()
    if stage not in KINDS or not made.voters.height:
        return printed
    decision_kind, minutes_kind = KINDS[stage]
    day = elections.set_day(made.list)
    stored = documents.settings(ws)
    voters = named(made.voters)
    if village is not None:
        voters = voters.filter(pl.col("kode_desa") == village)
    per_tps = sex_counts(voters, ["kode_desa", "tps_number"])
    changes = _changes(e, made, village) if stage == "DPT" else {}
    dates = _dates(e, stage)
    folder = out / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for kode, listed in voters.select("kode_desa", "desa").unique("kode_desa").sort("kode_desa").iter_rows():
        name, title, kecamatan = documents.village_of(kode, listed)
        regency = regency_name(kode)
        # The committee as its settings print it (its own name and chairman, else the defaults).
        chair = documents.profile(stored, AGENCY, regency, village=kode, listed=listed)
        committee = chair.full_name
        about = subject(e.code, stage, kode)
        # The meeting comes first: its minutes are numbered before the decision that cites them.
        # Each village's committee numbers its own papers and has its own chairman.
        minutes_number = documents.issue(ws, AGENCY, minutes_kind, day, about, who, series=kode)
        decision_number = documents.issue(ws, AGENCY, decision_kind, day, about, who, series=kode)
        chairman = {"name": chair.signer, "position": chair.position, "agency": committee, "nip": chair.nip}
        members = ({**chairman, "agency": ""},
                   *({"name": documents.BLANK_NAME, "position": p, "agency": "", "nip": documents.BLANK_NIP}
                     for p in MEMBER_POSITIONS))
        tps = tuple((f"TPS {n:03d}", men, women, total) for _k, n, men, women, total in
                    per_tps.filter(pl.col("kode_desa") == kode).iter_rows())
        lines = tuple(x for x in (f"Kecamatan {kecamatan}" if kecamatan else "", regency) if x)
        paper = ListPaper(
            stage=stage, stage_name=elections.STAGE_NAMES[stage], committee=committee, letterhead_lines=lines,
            village=title, election=e.name, year=e.voting_day.year, voting_day=e.voting_day, place=name, day=day,
            decision_number=decision_number, minutes_number=minutes_number, tps=tps, chairman=chairman,
            members=members, considering=considering(stage, title, e.name, committee),
            legal_basis=(*LEGAL_BASIS, *((REGENCY_RULES[kode[:5]],) if kode[:5] in REGENCY_RULES else ())),
            changes=changes.get(kode, ()), **dates)
        stem = file_name(stage, kode, listed)
        printed.paths.setdefault(decision_kind, []).append(write_decision(folder / f"SK_{stem}", paper))
        printed.paths.setdefault(minutes_kind, []).append(write_list_minutes(folder / f"BA_{stem}", paper))
        printed.references[kode] = decision_reference(committee, decision_number)
    return printed


def print_village(ws, code: str, stage: str, kode_desa: str, out: Path, who: Who) -> dict[str, Path]:
    """One village's decision and minutes of the election's latest `stage` list, printed again
    from the stored list (kind -> path: `sk_dps`, `ba_dps`...): what the job that set the list
    printed, with the same numbers (issued now when the list was set without printing); {}
    when the list is not set, has none of the village's voters, or the stage has no papers."""
    from pemilih.store import elections
    e = elections.election(ws, code)
    made = elections.latest(e, stage)
    if made is None or stage not in KINDS or kode_desa not in e.villages:
        return {}
    rows = elections.village_rows(made, kode_desa)
    printed = write(ws, elections.SetList(made, rows, []), e, out, who, village=kode_desa)
    return {kind: found[0] for kind, found in printed.paths.items() if found}


def considering(stage: str, village: str, election: str, committee: str) -> tuple[str, ...]:
    from pemilih.store.elections import STAGE_NAMES
    if stage == "DPS":
        why = (f"bahwa dalam rangka penyelenggaraan {election} di {village}, panitia pemilihan menyusun Daftar "
               "Pemilih Sementara dari daftar pemilih hasil pemutakhiran, untuk diumumkan dan mendapat tanggapan "
               "masyarakat")
    else:
        why = (f"bahwa Daftar Pemilih Sementara {election} di {village} telah diumumkan dan tanggapan masyarakat "
               "atasnya telah ditindaklanjuti, sehingga daftar pemilih yang menjadi dasar pemungutan suara perlu "
               "ditetapkan")
    return (f"{why};", f"bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, perlu menetapkan "
                       f"Keputusan {committee} tentang Penetapan {STAGE_NAMES[stage]};")


def _dates(e, stage: str) -> dict:
    """The DPS's announcement period and response deadline, as its announcement prints them."""
    from pemilih.cycle.election import notice_dates
    return notice_dates(e, stage)


def _changes(e, made, village: str | None = None) -> dict[str, tuple[tuple[str, int, int, int], ...]]:
    """Per village (or of `village` only): the DPS's voters, those added, struck and corrected
    since, and the DPT's voters, each with L and P."""
    import polars as pl

    from pemilih.engine.election_lists import ADDED, CORRECTED, STRUCK, changes_between, sex_counts
    from pemilih.store import elections
    rows = ((ADDED, "Pemilih baru yang ditambahkan"), (STRUCK, "Pemilih yang dicoret (tidak memenuhi syarat)"),
            (CORRECTED, "Pemilih dengan perbaikan data"))
    dps = elections.latest(e, "DPS")
    if dps is None:
        return {}
    if village is None:
        before, after = elections.rows_of(dps), elections.rows_of(made.list)
    else:  # one village's rows only: a committee's papers printed on demand
        before, after = elections.village_rows(dps, village), elections.village_rows(made.list, village)
    counted = sex_counts(changes_between(before, after, list(COMPARED_COLUMNS)), ["kode_desa", "change"])
    on_dps, on_dpt = (sex_counts(frame, ["kode_desa"]) for frame in (before, after))

    def row(table, kode, label, change=None):
        hit = table.filter(pl.col("kode_desa") == kode)
        if change is not None:
            hit = hit.filter(pl.col("change") == change)
        return (label, *(int(hit[c].sum()) for c in ("l", "p", "n")))
    out = {}
    for kode in after["kode_desa"].unique().to_list():
        out[kode] = (row(on_dps, kode, "Pemilih pada DPS"),
                     *(row(counted, kode, label, change) for change, label in rows),
                     row(on_dpt, kode, "Pemilih pada DPT"))
    return out
