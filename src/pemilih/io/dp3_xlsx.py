"""The yearly report of the DP3 programme as XLSX (xlsx_tables: every value as text).

Sheets: `Lokus` (one row per focus village: its reasons, agreement, cadres L/P/JML against
the target, trainings, activities, participants, voters when the programme began and at the
report's day), `Kader per Komponen` and `Peserta per Komponen` (village, component, L, P, JML),
`Kegiatan` (one row per activity: counts only). A village's internal copy adds `Kader`: its
roster (names, and phone and birth year while consent stands; never a NIK, never a birth date).
"""
from __future__ import annotations

from pathlib import Path

import polars as pl

from pemilih.domain import dp3 as rules
from pemilih.domain.masking import mask_digits_in_text as scrub
from pemilih.io.xlsx_tables import text_sheet, workbook

LOKUS = ["KECAMATAN", "DESA/LEMBANG", "KODE DESA", "TAHAP", "ALASAN", "PERJANJIAN", "TANGGAL PERJANJIAN",
         "KADER L", "KADER P", "KADER JML", "TARGET", "KURANG", "DIREKRUT KADER", "PELATIHAN", "KADER DILATIH",
         "KEGIATAN", "PESERTA L", "PESERTA P", "PESERTA JML", "PEMILIH AWAL TANGGAL", "PEMILIH AWAL L",
         "PEMILIH AWAL P", "PEMILIH AWAL JML", "PEMILIH AKHIR TANGGAL", "PEMILIH AKHIR L", "PEMILIH AKHIR P",
         "PEMILIH AKHIR JML"]
BY_COMPONENT = ["KODE DESA", "DESA/LEMBANG", "KOMPONEN", "L", "P", "JML"]
ACTIVITIES = ["KODE DESA", "DESA/LEMBANG", "TANGGAL", "TAHAP", "JENIS", "TOPIK", "CARA", "KOMPONEN PESERTA", "L",
              "P", "JML"]
ROSTER = {"cadre": "NOMOR KADER", "name": "NAMA", "sex": "L/P", "component": "KOMPONEN", "birth_year": "TAHUN LAHIR",
          "phone": "TELEPON", "recruited_by": "DIREKRUT OLEH", "trained": "PELATIHAN", "consent": "PERSETUJUAN"}


def _frame(rows: list[list], header: list[str], clear: tuple[str, ...] = ()) -> pl.DataFrame:
    """Text cells, each masked by the one rule but the `clear` columns (a phone number, checked
    to be 8 to 14 digits when recorded: never a NIK, but masked it could not be called)."""
    keep = [h in clear for h in header]
    return pl.DataFrame([[str("" if x is None else x) if k else scrub("" if x is None else x) for x, k in zip(r, keep)]
                         for r in rows], schema=header, orient="row")


def _day(d) -> str:
    return f"{d:%d-%m-%Y}" if d else ""


def write_dp3_xlsx(path, result, *, rosters: dict | None = None) -> Path:
    """`result`: cycle.dp3.Report; `rosters`: kode_desa -> cycle.dp3.roster_lines (internal copy only)."""
    lokus, cadres, people, acts = [], [], [], []
    for v in result.villages:
        lok = v.lokus
        men, women, n = rules.count_rows(v.cadres, rules.COMPONENTS)[-1][1:]
        pm, pw, pn = rules.count_rows(v.participants)[-1][1:]
        before, after = v.voters_before or ("", "", ""), v.voters_after or ("", "", "")
        lokus.append([lok.kecamatan, lok.desa, lok.kode_desa, v.stage,
                      ", ".join(rules.REASONS.get(r, r) for r in lok.reasons), lok.agreement_number,
                      _day(lok.agreement_on), men, women, n, rules.TARGET_CADRES, v.shortfall, v.recruited,
                      len(v.trainings), v.trained, len(v.activities), pm, pw, pn, _day(v.voters_from), *before,
                      _day(v.voters_to), *after])
        for label, source, into in (("c", v.cadres, cadres), ("p", v.participants, people)):
            segments = rules.COMPONENTS if label == "c" else rules.SEGMENTS
            for name, l_, p_, total in rules.count_rows(source, segments):
                into.append([lok.kode_desa, lok.desa, name, l_, p_, total])
        for a in v.activities:
            for seg, by in a.participants.items():
                kind = rules.ACTIVITY_KINDS.get(a.kind, a.kind)
                acts.append([lok.kode_desa, lok.desa, _day(a.held_on), a.stage, kind, a.topic,
                             rules.MODES.get(a.mode, a.mode), rules.component_label(seg), by.get("L", 0),
                             by.get("P", 0), by.get("L", 0) + by.get("P", 0)])
    title = [f"Laporan tahunan program {rules.PROGRAMME}, tahun {result.year} (tahap {result.stage}), "
             f"keadaan sampai {result.on:%d-%m-%Y}"]
    with workbook(str(path)) as book:
        text_sheet(book, "Lokus", _frame(lokus, LOKUS), title=title)
        text_sheet(book, "Kader per Komponen", _frame(cadres, BY_COMPONENT), title=title)
        text_sheet(book, "Peserta per Komponen", _frame(people, BY_COMPONENT), title=title)
        text_sheet(book, "Kegiatan", _frame(acts, ACTIVITIES), title=title)
        if rosters is not None:
            rows = [[line[k] for k in ROSTER] for lines in rosters.values() for line in lines]
            text_sheet(book, "Kader", _frame(rows, list(ROSTER.values()), clear=(ROSTER["phone"],)),
                       title=title + ["Untuk keperluan internal desa: jangan disebarluaskan."])
    return Path(path)
