"""The polling-day pack drawn in two worker processes gives each job its own file, in the
jobs' order, the same as drawn in one (hand-made TPS: the names are typed here)."""
from __future__ import annotations

import subprocess
from datetime import date

from pemilih.io import pack_render
from pemilih.io.invitation_pdf import write_invitations
from pemilih.io.polling_day import Heading, TpsPlace, TpsVoters

NAMES = {"001": ["RANTE PAKIDING", "MARTHA SAMPE"], "002": ["YOHANIS LIMBONG"], "003": ["DEBORA TANDI"]}


def _jobs(folder):
    head = Heading("Pemilihan Kepala Lembang Serentak 2027", date(2027, 3, 17), "07.00 s.d. 13.00",
                   "Panitia Pemilihan Kepala Lembang Limbong", "001/UND/PANITIA/XII/2026", date(2026, 12, 7),
                   {"name": "Daniel Rante", "position": "Ketua", "nip": "19850101 201001 1 001"},
                   "Kabupaten Toraja Utara")
    jobs = []
    for tps, names in NAMES.items():
        rows = [(str(i), "732601**********", name, "L", "40", "DUSUN KALUA'", "001", "001")
                for i, name in enumerate(names, 1)]
        voters = TpsVoters("73.26.01.2010", "RANTEPAO", "LIMBONG", "Lembang Limbong", tps, rows)
        jobs.append(pack_render.PackJob(write_invitations, folder / f"UNDANGAN_{tps}.pdf", voters,
                                        TpsPlace("Halaman Kantor Lembang", "Jl. Poros Limbong"), head))
    return jobs


def _text(path) -> str:
    return " ".join(subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                                   text=True).stdout.split())


def test_two_workers_draw_each_tps_into_its_own_file_in_order(tmp_path, monkeypatch):
    monkeypatch.setattr(pack_render, "MIN_PARALLEL", 1)
    advanced = []
    paths = pack_render.render_all(_jobs(tmp_path), processes=2, advance=lambda: advanced.append(1))
    assert [p.name for p in paths] == ["UNDANGAN_001.pdf", "UNDANGAN_002.pdf", "UNDANGAN_003.pdf"]
    assert len(advanced) == 3
    for path, (tps, names) in zip(paths, NAMES.items()):
        text = _text(path)
        assert all(name in text for name in names), tps
        others = [n for t, ns in NAMES.items() if t != tps for n in ns]
        assert not any(name in text for name in others), tps
    (tmp_path / "satu").mkdir()
    alone = pack_render.render_all(_jobs(tmp_path / "satu"), processes=1)
    assert [_text(p) for p in alone] == [_text(p) for p in paths]  # the same pages, one process or two
