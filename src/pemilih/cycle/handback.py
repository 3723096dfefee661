"""Step: DPML's hand-back package for KPU (formats.md section 5).

The package speaks KPU's regime only (continuous updating, PDPB): the village's events read
under KPU's code table and on the hand-back's eligibility date (engine/pdpb.py), so a rule of
the village election never reaches KPU's list. The changes against the list KPU shared (new
voters, not eligible with their code and evidence, moves to another TPS, corrected fields,
and for information the voters the two lists treat apart and the rows without a village),
the resulting list ready for KPU's import, the recap of the period and the signed minutes,
zipped with a manifest of every file's hash; the export rests on the data-sharing agreement
and is recorded as a transfer event.
"""
from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from pemilih.cycle.common import SILENT, Progress, StepError, Who, local_today, working_regime

DEFAULT_AGENCY = "DPML"
DEFAULT_REASON = "Penyerahan kembali data pemilih hasil Pilkalem sebagai data dukung PDPB"
DEFAULT_PLACE = "Rantepao"
PERIOD = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,29}$")  # it becomes part of the file name


@dataclass(frozen=True)
class HandbackRequest:
    out_dir: str
    period: str  # e.g. 2027-Q1 or 2027-03
    agreement: str
    who: Who
    on: date | None = None  # the day of the hand-over; None: today (local)
    # The day age is judged on for KPU's list (PKPU 6/2021 Pasal 18(3)c: at the time of the
    # PDPB data collection); None: the day of the hand-over.
    eligible_on: date | None = None
    place: str = DEFAULT_PLACE  # where the minutes are signed

    def __post_init__(self):
        if not PERIOD.match(self.period or ""):
            raise StepError("Periode wajib diisi dengan huruf, angka atau tanda hubung, mis. 2027-Q1.")


@dataclass
class HandbackOutcome:
    path: Path  # the zip
    manifest: dict
    counts: dict[str, int]


def run(ws, request: HandbackRequest, progress: Progress = SILENT) -> HandbackOutcome:
    """Read what the package is made of (store/handback.py), view it under KPU's rules
    (engine/pdpb.py), check the agreement, write the data files (the changes per TPS too) and the manifest, zip them,
    and record the transfer."""
    from pemilih.contract import (
        EXPORT_ELEMENTS,
        KPU_REGIME,
        PACKAGE_CHANGES,
        PACKAGE_LIST,
        PACKAGE_MINUTES,
        PACKAGE_PER_TPS,
        PACKAGE_RECAP,
    )
    from pemilih.cycle import recap
    from pemilih.domain.agencies import PROVIDER
    from pemilih.engine import pdpb
    from pemilih.io import package
    from pemilih.io.recap_xlsx import write_recap
    from pemilih.store import agreements, handback, keys
    on = request.on or local_today()
    progress.stage("Membaca daftar dan log peristiwa")
    handing = handback.gather(ws, on)
    rules = kpu_rules(working_regime(ws), request.eligible_on or on)
    found = handing.found
    made = pdpb.handback(handing.shared, handing.now, found.removed(), found.field_changes(), found.reasons,
                         handing.election_tps, rules)
    terms = agreements.agreement_for(ws, request.agreement, on=on, provider=request.who.agency,
                                     recipient=PROVIDER, villages=touched_villages(made),
                                     elements=EXPORT_ELEMENTS["serah"])
    summary = recap.period(ws, handing.start, on, KPU_REGIME, found=made.counted(found.events))
    counts = package_counts(made, summary)
    out_dir = Path(request.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    progress.stage("Menulis paket serah-kembali")
    key = keys.own_key(ws)
    with tempfile.TemporaryDirectory(dir=out_dir) as tmp:
        folder = Path(tmp)
        package.write_changes(folder / PACKAGE_CHANGES, made.changes, made.info, made.unresolved, rules.code_labels)
        package.write_list(folder / PACKAGE_LIST, made.voters)
        package.write_per_tps(folder / PACKAGE_PER_TPS, pdpb.per_tps(made, rules.code_labels), period=request.period)
        write_recap(summary, str(folder / PACKAGE_RECAP), title=f"Rekapitulasi daftar pemilih {request.period}")
        manifest = package.manifest_for(folder, regency=handing.regency, period=request.period,
                                        source_list=handing.source_list, counts=counts,
                                        created=datetime.now(UTC).isoformat(timespec="seconds"), key=key)
        _write_minutes(ws, folder / PACKAGE_MINUTES, manifest, minutes_rows(made, summary, rules), request, on,
                       terms, rules, moved_within_regency(summary, counts))
        package.add_minutes(folder, manifest)
        path = package.write_zip(folder, manifest, out_dir / package.package_name(
            handing.regency, request.period, manifest["manifest_sha256"]), key=key)
    handback.record(terms, file=path.name, sha256=package.sha256_file(path),
                    manifest_sha256=manifest["manifest_sha256"], counts=counts, **request.who.event_args())
    return HandbackOutcome(path, manifest, counts)


def kpu_rules(village_regime: str, eligible_on: date):
    """KPU's view of the village's codes: a removal counts for KPU when its code strikes in KPU's
    table and means the same there (its label) as in the village's, and is no rule of the
    village election alone (scope `village`); any other removal is the village's own."""
    from pemilih.contract import KPU_REGIME
    from pemilih.domain.codes import ALL, STRIKE, code_table
    from pemilih.engine.pdpb import Rules
    kpu, village = code_table(KPU_REGIME), code_table(village_regime)

    def kept(code: str) -> bool:
        ours, theirs = kpu[code], village.get(code)
        same = theirs is None or (theirs.label == ours.label and theirs.effect == STRIKE and theirs.scope == ALL)
        return ours.effect == STRIKE and ours.scope == ALL and same
    labels = {c: v.label for c, v in village.items()} | {c: v.label for c, v in kpu.items()}
    return Rules(frozenset(c for c in kpu if kept(c)), labels, eligible_on)


def touched_villages(made) -> list[str]:
    """The villages the package's changes touch (what the agreement must cover)."""
    ch = made.changes
    codes = [ch.added["kode_desa"], ch.removed["kode_desa"], ch.moved["kode_desa"], ch.corrected["kode_desa"],
             made.info["kode_desa"]]
    return sorted({c for series in codes for c in series.drop_nulls().to_list()})


def package_counts(made, summary) -> dict[str, int]:
    """The manifest's counts: new, struck per code, moved to another TPS, corrected (voters and
    fields), reported for information, without a village, start and end."""
    ch = made.changes
    counts = {"B": ch.added.height}
    for code, n in ch.removed.group_by("code").len().sort("code").iter_rows():
        counts[code] = n
    counts["pindah_tps"] = ch.moved.height
    counts["U"] = ch.corrected["key"].n_unique()
    counts["U_fields"] = ch.corrected.height
    counts["informasi"] = made.info.height
    counts["belum_punya_desa"] = made.unresolved.height
    counts["pemilih_awal"] = summary.total.get("awal_jml", 0)
    counts["pemilih_akhir"] = summary.total.get("akhir_jml", 0)
    return counts


# What each of the manifest's counts (package_counts) means, as a person reads it: the one
# place for these words (the hand-back page lists past packages by them); a TMS code's count
# is said with its meaning in KPU's table, the table the hand-back speaks.
COUNT_LABELS = {
    "pemilih_awal": "pemilih pada awal periode",
    "B": "pemilih baru (B)",
    "pindah_tps": "pindah TPS dalam desa yang sama (TMS-8)",
    "U": "pemilih dengan perbaikan data (U)",
    "U_fields": "isian data yang diperbaiki",
    "informasi": "dicatat untuk informasi",
    "belum_punya_desa": "pemilih yang belum punya desa",
    "pemilih_akhir": "pemilih pada akhir periode",
}


def count_label(key: str) -> str:
    """A manifest count's name in words: `U_fields` -> `isian data yang diperbaiki`,
    `TMS-1` -> `tidak memenuhi syarat (TMS-1): meninggal`."""
    from pemilih.contract import KPU_REGIME
    from pemilih.domain.codes import label
    if key in COUNT_LABELS:
        return COUNT_LABELS[key]
    if key.startswith("TMS-"):
        return f"tidak memenuhi syarat ({key}): {label(key, KPU_REGIME)}"
    return key.replace("_", " ")


def counts_in_words(counts: dict) -> list[tuple[str, int]]:
    """The manifest's counts as (label, number): the start of the period first, its end last."""
    ends = ("pemilih_awal", "pemilih_akhir")
    keys = [k for k in ends[:1] if k in counts] + [k for k in counts if k not in ends] + \
        [k for k in ends[1:] if k in counts]
    return [(count_label(k), counts[k]) for k in keys]


MINUTES_KIND = "ba_serah_terima"  # cycle/documents.DOCUMENT_KINDS
TRANSFER_WHAT = "paket serah-kembali"  # store/handback.record: each one numbers a minutes


def moved_within_regency(summary, counts: dict) -> int:
    """Voters who moved to another village of the regency: KPU's recap counts each as TMS-4 in
    the village left and B in the village joined; the package counts it as a correction of the
    village (U). The recap's B less the package's B."""
    return int(summary.total.get("baru_jml", 0) or 0) - counts["B"]


def minutes_rows(made, summary, rules) -> list[tuple[str, int, int, int]]:
    """The minutes' table: (label, L, P, total) per row, codes with their meaning in words."""
    import polars as pl

    from pemilih.domain.codes import count_order
    ch, sex = made.changes, made.voters.select("key", "jenis_kelamin")

    def split(frame) -> tuple[int, int, int]:
        frame = frame if "jenis_kelamin" in frame.columns else frame.join(sex, on="key", how="left")
        column = frame["jenis_kelamin"].cast(pl.String).str.to_uppercase()
        return int((column == "L").sum()), int((column == "P").sum()), frame.height

    def total(measure: str) -> tuple[int, int, int]:
        t = summary.total
        return (int(t.get(f"{measure}_l", 0) or 0), int(t.get(f"{measure}_p", 0) or 0),
                int(t.get(f"{measure}_jml", 0) or 0))

    labels = rules.code_labels
    corrected = ch.corrected.select("key", "column").unique("key", keep="first")
    village_moves = ch.corrected.filter(pl.col("column") == "kode_desa").select("key").unique()
    rows = [("Pemilih pada awal periode", *total("awal")),
            (f"Pemilih baru (B): {labels.get('B', 'pemilih baru')}", *split(ch.added))]
    for code in sorted(ch.removed["code"].unique().to_list(), key=count_order):
        rows.append((f"Tidak memenuhi syarat ({code}): {labels.get(code, code)}",
                     *split(ch.removed.filter(pl.col("code") == code))))
    rows += [(f"Pindah TPS dalam desa yang sama (TMS-8): {labels.get('TMS-8', 'salah penempatan TPS')}",
              *split(ch.moved.select("key"))),
             ("Pindah desa/lembang di dalam kabupaten (termasuk dalam perbaikan data U)", *split(village_moves)),
             (f"Pemilih dengan perbaikan data (U): {labels.get('U', 'ubah data')}", *split(corrected.select("key"))),
             ("Dicatat untuk informasi (tidak diubah di daftar KPU)", *split(made.info)),
             ("Pemilih yang belum punya desa", *split(made.unresolved)),
             ("Pemilih pada akhir periode", *total("akhir"))]
    return rows


def _write_minutes(ws, path: Path, manifest: dict, rows: list[tuple], request: HandbackRequest, day: date,
                   terms, rules, moved: int) -> None:
    from pemilih.contract import KPU_REGIME
    from pemilih.cycle import documents
    from pemilih.domain.regions import regency_name
    from pemilih.io.minutes_pdf import write_minutes
    from pemilih.store import documents as stored_documents
    from pemilih.store import events
    stored, regency = documents.settings(ws), regency_name(manifest["regency"])
    running = stored_documents.count_of(ws, events.DATA_TRANSFERRED, TRANSFER_WHAT, day.year) + 1
    giver, taker = (documents.profile(stored, agency, regency) for agency in ("DPML", "KPU"))
    parties = [{"name": p.signer, "nip": p.nip, "position": p.position, "agency": p.full_name, "role": role}
               for p, role in ((giver, "Yang menyerahkan"), (taker, "Yang menerima"))]
    title = ("BERITA ACARA SERAH TERIMA DATA PEMILIH HASIL PEMILIHAN KEPALA LEMBANG SEBAGAI DATA DUKUNG "
             f"PEMUTAKHIRAN DATA PEMILIH BERKELANJUTAN {regency} PERIODE {manifest['period']}")
    write_minutes(
        str(path), title=title, number=documents.number(stored, "DPML", MINUTES_KIND, day, running),
        place=request.place, day=day, parties=parties, counts=rows, manifest_sha256=manifest["manifest_sha256"],
        signer_fingerprint=manifest["signer"]["fingerprint"],
        notes=[f"Data diserahkan berdasarkan perjanjian {terms.number}: {terms.purpose}.",
               f"Daftar asal: {', '.join(manifest['source_list']['files'])} "
               f"(sidik {manifest['source_list']['sha256'][:16]}).",
               f"Umur dihitung pada {rules.eligible_on:%d-%m-%Y} (tanggal acuan PDPB); kode TMS menurut "
               f"tabel KPU ({KPU_REGIME}); aturan khusus pemilihan kepala lembang tidak diterapkan pada daftar ini.",
               f"Selisih dengan rekapitulasi KPU (rekap.xlsx) untuk periode yang sama: {moved} pemilih pindah "
               "desa/lembang di dalam kabupaten dihitung di rekapitulasi sebagai TMS-4 (pindah domisili) di desa "
               "asal dan sebagai pemilih baru (B) di desa tujuan; dalam berita acara ini mereka dihitung sebagai "
               f"pindah desa (perbaikan data U). Karena itu B dan TMS-4 di rekapitulasi masing-masing {moved} "
               "lebih besar daripada di berita acara ini; jumlah pemilih akhir sama.",
               "Data ini merupakan data dukung pemutakhiran data pemilih berkelanjutan (PDPB)."])
