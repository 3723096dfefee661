"""Step: the polling-day pack of a set DPT, per TPS: the copy of the DPT for the polling
officers (KPPS) with attendance and signature columns, one invitation per voter (six to a
page, cut lines between them), and the register of the election's TPS (place, address,
coordinates, voters L/P) as a numbered, signed document.

Printed when the DPT is set with an output folder (cycle/election.set_list) and again on
demand (`pemilih tps cetak`, e.g. once the register is complete). Places come from the TPS
register (cycle/tps_places.py); numbers from cycle/documents.issue: one per village for the
officers' copies and for the invitations (the village committee's own, signed by its
chairman), one for the register (DPML's),
the same when printed again. Voting hours are the regime's (domain/election_rules).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pemilih.cycle.common import SILENT, Progress, StepError, Who, local_today

FOLDER = "hari_pemungutan"
COPY, INVITATION, REGISTER = "salinan_dpt_kpps", "undangan", "daftar_tps"
COMMITTEE, REGISTER_KEEPER = "PANITIA", "DPML"
DEFAULT_PLACE = "Rantepao"  # where the register is signed: the regency's seat
REASON = "Pencetakan perlengkapan hari pemungutan suara"


@dataclass(frozen=True)
class PackRequest:
    code: str
    out_dir: str
    who: Who
    signed_on: date | None = None  # the date under the signatures; None: today
    village: str | None = None  # one village's copies and invitations only (the register is whole)
    place: str = DEFAULT_PLACE
    register: bool = True  # the register too (a village's papers on their own: without it)
    kinds: tuple[str, ...] = (COPY, INVITATION)  # the papers per TPS to print


@dataclass
class PackOutcome:
    documents: dict[str, list[Path]] = field(default_factory=dict)  # kind -> paths
    tps: int = 0
    voters: int = 0

    @property
    def paths(self) -> list[Path]:
        return [p for found in self.documents.values() for p in found]


def run(ws, request: PackRequest, progress: Progress = SILENT) -> PackOutcome:
    """The pack of the election's latest DPT into request.out_dir."""
    from pemilih.store import elections
    e = elections.election(ws, request.code)
    made = elections.latest(e, "DPT")
    if made is None:
        raise StepError(f"DPT {e.code} belum ditetapkan; perlengkapan hari pemungutan suara dicetak dari DPT")
    if request.village is not None and request.village not in e.villages:
        raise StepError(f"Desa/lembang {request.village} tidak ikut pemilihan {e.code}")
    return write_pack(ws, e, made, Path(request.out_dir), request.who, signed_on=request.signed_on,
                      village=request.village, place=request.place, register=request.register, kinds=request.kinds,
                      progress=progress)


def write_pack(ws, e, made, out: Path, who: Who, *, signed_on: date | None = None, village: str | None = None,
               place: str = DEFAULT_PLACE, register: bool = True, kinds: tuple[str, ...] = (COPY, INVITATION),
               progress: Progress = SILENT, processes: int = 2) -> PackOutcome:
    """Print the pack of a set list (`made`, store.models.ElectionList) into out: the papers
    of `kinds` per TPS, and the register of the election's TPS unless told not to."""
    import polars as pl

    from pemilih.cycle import documents, tps_places
    from pemilih.domain.election_rules import rules
    from pemilih.engine.election_lists import named
    from pemilih.io.invitation_pdf import write_invitations
    from pemilih.io.kpps_copy_pdf import write_kpps_copy
    from pemilih.io.pack_render import PackJob, render_all
    from pemilih.io.polling_day import Heading, TpsPlace, tps_voters
    from pemilih.store.elections import rows_of, village_rows
    day = signed_on or local_today()
    rows = rows_of(made) if village is None else village_rows(made, village)  # one village: its rows only
    voters = named(rows).with_columns(pl.col("tps_number").cast(pl.String).str.zfill(3).alias("tps"))
    groups = tps_voters(voters, e.voting_day)
    places = tps_places.places(ws, e.code)
    stored, regency = documents.settings(ws), documents.regency_of(ws)
    hours = rules(e.regime).voting_hours
    outcome = PackOutcome({COPY: [], INVITATION: []}, len(groups), voters.height)
    numbers: dict[tuple[str, str], str] = {}
    jobs: list[tuple[str, PackJob]] = []
    for tps in groups:
        folder = out / f"{tps.kode_desa.replace('.', '')}_{_slug(tps.desa)}"
        folder.mkdir(parents=True, exist_ok=True)
        entered = places.get((tps.kode_desa, int(tps.tps)))
        where = TpsPlace(entered.place, entered.address, entered.coordinates) if entered else TpsPlace()
        for kind, writer in ((k, w) for k, w in ((COPY, write_kpps_copy), (INVITATION, write_invitations))
                             if k in kinds):
            key = (kind, tps.kode_desa)
            if key not in numbers:  # each village's committee numbers its own papers
                numbers[key] = documents.issue(ws, COMMITTEE, kind, day, f"{e.code}/{kind}/{tps.kode_desa}", who,
                                               series=tps.kode_desa)
            committee = documents.profile(stored, COMMITTEE, regency, village=tps.kode_desa, listed=tps.desa)
            signer = {"name": committee.signer, "position": committee.position, "nip": committee.nip}
            head = Heading(e.name, e.voting_day, hours, committee.full_name, numbers[key], day, signer, regency)
            name = f"{kind.upper()}_{tps.kode_desa.replace('.', '')}_TPS{tps.tps}.pdf"
            jobs.append((kind, PackJob(writer, folder / name, tps, where, head)))
    # Numbers issued above, in this process; the drawing, the bulk of the time, in workers.
    progress.stage("Mencetak salinan DPT untuk KPPS dan undangan per TPS", len(jobs) or None)
    for (kind, _), path in zip(jobs, render_all([job for _, job in jobs], processes, progress.advance)):
        outcome.documents[kind].append(path)
    if register:
        outcome.documents[REGISTER] = [write_register(ws, e, made, out, who, day=day, place=place)]
    return outcome


def village_bundle(ws, code: str, kode_desa: str, kind: str, out: Path, who: Who) -> Path:
    """One village's officers' copies or invitations (`kind`: COPY or INVITATION), every TPS of
    it, printed again from the latest DPT (the same numbers) and put in one zip, a PDF per TPS
    (each TPS's officers get their own): what a village committee downloads and prints."""
    import zipfile
    if kind not in (COPY, INVITATION):
        raise StepError(f"Jenis berkas '{kind}' tidak dikenal; pilih {COPY} atau {INVITATION}")
    printed = run(ws, PackRequest(code, str(out / "cetak"), who, village=kode_desa, register=False, kinds=(kind,)))
    paths = printed.documents.get(kind, [])
    if not paths:
        raise StepError(f"Desa/lembang {kode_desa} tidak punya pemilih pada DPT {code}")
    target = out / f"{kind.upper()}_{kode_desa.replace('.', '')}_{code}.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as z:
        for path in paths:  # PDFs are compressed already
            z.write(path, path.name)
    return target


def print_register(ws, code: str, out: Path, who: Who, place: str = DEFAULT_PLACE) -> Path:
    """The register of the election's TPS as it stands today, from its latest DPT (the number it
    was given before, when it has one)."""
    from pemilih.store import elections
    e = elections.election(ws, code)
    made = elections.latest(e, "DPT")
    if made is None:
        raise StepError(f"DPT {e.code} belum ditetapkan; daftar TPS dicetak dari DPT")
    return write_register(ws, e, made, out, who, day=local_today(), place=place)


def write_register(ws, e, made, out: Path, who: Who, *, day: date, place: str = DEFAULT_PLACE) -> Path:
    """The register of the election's TPS as a numbered PDF (DAFTAR_TPS_<code>.pdf in out)."""
    from pemilih.cycle import documents, tps_places
    from pemilih.io.tps_register_pdf import RegisterLine, write_tps_register
    stored, regency = documents.settings(ws), documents.regency_of(ws)
    keeper = documents.profile(stored, REGISTER_KEEPER, regency)
    number = documents.issue(ws, REGISTER_KEEPER, REGISTER, day, f"{e.code}/{REGISTER}", who)
    lines = [RegisterLine(r.kecamatan.title(), r.title, f"{r.tps:03d}",
                          r.place.place if r.place else "", r.place.address if r.place else "",
                          r.place.coordinates if r.place else "", r.men, r.women)
             for r in tps_places.register(ws, e.code)]
    out.mkdir(parents=True, exist_ok=True)
    return write_tps_register(out / f"DAFTAR_TPS_{e.code}.pdf", lines, election=e.name, stage=made.stage,
                              number=number, agency=keeper.full_name, regency=regency, place=place, day=day,
                              signer={"name": keeper.signer, "position": keeper.position, "nip": keeper.nip})


def _slug(text: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "_", re.sub(r"['`’]", "", text or "").upper()).strip("_")
