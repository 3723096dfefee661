"""generate(): build the synthetic Toraja Utara and write the demo files and their ground truth.

Layout (shared contract with the readers):
  OUT/kpu/dpt_7326.csv                    the stale KPU list, flat
  OUT/kpu/form/DPT_<kode>_<DESA>.xlsx     the same rows, one form-style workbook per village
  OUT/registry/disdukcapil_7326.csv       the civil-registry extract of 2026-10-31
  OUT/truth/{meta.json, list_rows.csv, expected_findings.csv, check_defects.csv}

A province (`province="73"`) is the same world over all its regencies: one list CSV per regency
(kpu/dpt_7301.csv .. kpu/dpt_7373.csv), the workbooks of all its villages, one provincial
extract (registry/disdukcapil_73.csv) and one truth folder over them all.
"""
from __future__ import annotations

import gc
import glob
import os
import time

from pemilih import progress as progress_bars

from . import config as C
from .checks import CHECK_COLUMNS, check_defects
from .defects import plant_defects
from .duplicates import add_duplicates
from .events import live_until_extract
from .extras import ListPlan, add_ghosts, add_minors_and_forces, add_stale
from .listing import assign_refs, workbook_name
from .meta import build_meta, write_meta
from .population import build_population
from .refdata import load_refdata, province_regencies
from .truth import FINDING_COLUMNS, LIST_ROW_COLUMNS, expected_findings, list_row_truth
from .world import World
from .writers_csv import registry_people, write_dicts, write_list_csv, write_registry_csv, write_table
from .writers_xlsx import BackgroundWriter, workbook_job


def list_name(regency: str) -> str:
    """`73.26` -> `dpt_7326.csv`: a regency's KPU list."""
    return f"dpt_{regency.replace('.', '')}.csv"


def registry_name(world: World) -> str:
    """The extract of the regency, or of the province when there are several regencies."""
    regencies = world.ref.regencies
    area = regencies[0][:2] if world.province else regencies[0]
    return f"disdukcapil_{area.replace('.', '')}.csv"


def by_regency(rows) -> dict[str, list]:
    """Rows per regency code, in list order (each regency's CSV)."""
    out: dict[str, list] = {}
    for r in rows:
        out.setdefault(r.village.code[:5], []).append(r)
    return out


def _folders(out_dir: str) -> dict[str, str]:
    paths = {k: os.path.join(out_dir, *k.split("/")) for k in ("kpu", "kpu/form", "registry", "truth")}
    for path in paths.values():
        os.makedirs(path, exist_ok=True)
    for old in glob.glob(os.path.join(paths["kpu/form"], "DPT_*.xlsx")):
        os.remove(old)  # a smaller scale must not leave workbooks of a previous run behind
    return paths


def _build_list(world: World):
    plan = ListPlan(world)
    add_stale(plan)
    add_minors_and_forces(plan)
    add_ghosts(plan)
    add_duplicates(plan)
    rows = plan.build()
    for regency, part in by_regency(rows).items():
        assign_refs(part, list_name(regency))
    plant_defects(rows, plan)
    return rows, plan


def _workbook_jobs(world: World, rows, folder: str) -> dict[str, dict]:
    rng = world.rng("workbooks")
    by_village: dict[str, list] = {}
    for r in rows:
        by_village.setdefault(r.village.code, []).append(r)
    jobs = {}
    for v in world.ref.villages:
        date_cells = rng.random() < 1 / 3
        signer = world.names.make("kristen", rng.choice("LP"), 45, world.ref.toraja_family.draw(rng), rng)
        jobs[v.code] = workbook_job(v, by_village.get(v.code, []), date_cells, signer, folder,
                                    workbook_name(v), world.ref.regency_names[v.code[:5]])
    return jobs


class _Quiet:
    """Stands in for a progress bar when the caller asked for none."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n=1):
        pass

    def set_postfix_str(self, text):
        pass


def generate(out_dir: str, scale: float = 1.0, seed: int = C.DEFAULT_SEED, progress: bool = True,
             processes: int = 2, province: str | None = None, workbooks: bool = True) -> dict:
    """Write the demo regency (or all regencies of `province`, e.g. `73`) to out_dir; returns
    the summary also written to truth/meta.json. `workbooks=False` writes the CSVs alone: the
    workbooks' worker processes are forked from the whole world, and each comes to hold most of
    it as it reads (a province at scale 1.0 needs some 15 GB in one process)."""
    # ~10^6 long-lived objects with reference cycles (person <-> household): the cyclic
    # collector would rescan them again and again for nothing. One collection at the end.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _generate(out_dir, scale, seed, progress, processes, province, workbooks)
    finally:
        if was_enabled:
            gc.enable()
        gc.collect()


def _generate(out_dir: str, scale: float, seed: int, progress: bool, processes: int,
              province: str | None = None, workbooks: bool = True) -> dict:
    if scale <= 0:
        raise ValueError("skala harus lebih dari 0")
    regencies = province_regencies(province) if province else (C.REGENCY,)
    if not regencies:
        raise ValueError(f"provinsi {province} tidak ada dalam referensi wilayah")
    started, timings = time.perf_counter(), {}
    paths = _folders(out_dir)
    world = World(seed, scale, load_refdata(regencies))
    total = 3 + 5 + (len(world.ref.villages) if workbooks else 0)
    with (progress_bars.bar(total=total, desc="Membuat data demo", unit="langkah") if progress
          else _Quiet()) as bar:
        _timed(bar, timings, "penduduk", lambda: build_population(world))
        _timed(bar, timings, "peristiwa 2023-2026", lambda: live_until_extract(world))
        rows, plan = _timed(bar, timings, "daftar pemilih", lambda: _build_list(world))
        meta = _write_files(world, rows, plan, paths, processes, bar, timings, workbooks)
    timings["total"] = time.perf_counter() - started
    # Timings stay out of meta.json, which must be identical for identical seeds.
    return {**meta, "out_dir": os.path.abspath(out_dir),
            "timings_s": {k: round(v, 2) for k, v in timings.items()}}


def _timed(bar, timings: dict, label: str, step, steps: int = 1):
    t = time.perf_counter()
    bar.set_postfix_str(label)
    result = step()
    timings[label] = time.perf_counter() - t
    bar.update(steps)
    return result


def _write_files(world: World, rows, plan, paths: dict, processes: int, bar, timings: dict,
                 workbooks: bool) -> dict:
    """Workbooks in background processes while this one writes the CSVs and the ground truth."""
    t = time.perf_counter()
    jobs = _workbook_jobs(world, rows, paths["kpu/form"]) if workbooks else {}
    writer = BackgroundWriter(jobs, processes).start()
    try:
        registry = _timed(bar, timings, "csv", lambda: _write_csvs(world, rows, paths))
        findings, problems = _timed(bar, timings, "truth", lambda: _write_truth(world, rows, paths), 3)
    finally:
        bar.set_postfix_str("buku kerja")
        writer.wait(bar)
    timings["xlsx"] = time.perf_counter() - t
    dated = sum(1 for j in jobs.values() if j["date_cells"])
    files = {"kpu_csv": [f"kpu/{list_name(r)}" for r in by_regency(rows)], "kpu_workbooks": "kpu/form/",
             "registry_csv": f"registry/{registry_name(world)}"} if world.province else None
    extra = {"date_cell_workbooks": dated, "workbooks": len(jobs)}
    meta = build_meta(world, rows, registry, findings, problems, plan, extra, files)
    write_meta(os.path.join(paths["truth"], "meta.json"), meta)
    bar.update(1)
    return meta


def _write_csvs(world: World, rows, paths: dict) -> list:
    for regency, part in by_regency(rows).items():
        write_list_csv(os.path.join(paths["kpu"], list_name(regency)), part)
    registry = registry_people(world.people)
    write_registry_csv(os.path.join(paths["registry"], registry_name(world)), registry)
    return registry


def _write_truth(world: World, rows, paths: dict):
    findings = expected_findings(rows, world.people)
    # Each regency's CSV is checked alone: a NIK listed in two regencies is no NIK-DUPLICATE there.
    problems = [p for part in by_regency(rows).values() for p in check_defects(part)]
    truth = paths["truth"]
    write_dicts(os.path.join(truth, "expected_findings.csv"), FINDING_COLUMNS, findings)
    write_dicts(os.path.join(truth, "check_defects.csv"), CHECK_COLUMNS, problems)
    write_table(os.path.join(truth, "list_rows.csv"), LIST_ROW_COLUMNS, list_row_truth(rows))
    return findings, problems
