"""Step: verify a voter list against the civil registry and write the findings.

The list is files (`pemilih verify --list`) or the workspace's current list; the registry is
files or an extract the workspace received (read back from its snapshots, byte for byte, by the
same reader). Linkage and findings are the engine's (engine/findings.py); the findings go to
findings.csv and findings.xlsx (formats.md section 4). With `load`, they are then loaded for
review by the review step from the CSV just written, exactly as `pemilih review muat` loads it.
Beside them, Disdukcapil's verification minutes (ba_verifikasi.pdf, cycle/verify_minutes.py):
the counts per code with their meanings and L/P, signed by Disdukcapil and the receiver.

The code table defaults to the village election's (PILKALEM) when a DPS date is given, and to
KPU's otherwise: that choice is made here only.
"""
from __future__ import annotations

import os
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pemilih.contract import KIND_KPU, KIND_REGISTRY, KPU_REGIME, VERIFICATION_MINUTES, VILLAGE_REGIME
from pemilih.cycle.common import SILENT, Progress, StepError, Who
from pemilih.cycle.handback import DEFAULT_PLACE

if TYPE_CHECKING:
    import polars as pl

    from pemilih.cycle.review import LoadOutcome

# The columns verification uses; the others are dropped as soon as a file is read.
KEEP = {KIND_KPU: ["source_ref", "nik", "nkk", "nama", "tempat_lahir", "tanggal_lahir", "status_kawin",
                   "jenis_kelamin", "alamat", "rt", "rw", "kode_desa"],
        KIND_REGISTRY: ["nik", "nkk", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin", "status_kawin",
                        "alamat", "rt", "rw", "kode_wilayah", "pekerjaan", "status", "tgl_mati", "tgl_pindah",
                        "kode_wilayah_tujuan", "tgl_datang"]}
LOAD_REASON = "Hasil verifikasi untuk ditelaah"
# List and registry files together up to this size are read side by side (_inputs); larger
# ones one after the other: each reader's working memory is several times its files' bytes.
SIDE_BY_SIDE_BYTES = 1 << 30


def default_regime(dps_set_on: date | None) -> str:
    """A DPS date means a village election (its 6-month domicile rule); else KPU's table."""
    return VILLAGE_REGIME if dps_set_on is not None else KPU_REGIME


@dataclass(frozen=True)
class VerifyRequest:
    on: date  # voting day: age is counted on it
    out_dir: str
    list_paths: tuple[str, ...] = ()  # empty: the workspace's current list
    registry_paths: tuple[str, ...] = ()  # empty: an extract the workspace received
    registry_batch: int | None = None  # that extract; None: the latest received
    dps_set_on: date | None = None
    regime: str | None = None  # None: default_regime(dps_set_on)
    model_path: str | None = None  # a model from `pemilih train-linkage`; None: the shipped one
    load: Who | None = None  # load the findings for review, as this person
    who: Who | None = None  # who issues the minutes' number (None: `load`'s person; needs a workspace)
    place: str = DEFAULT_PLACE  # where the minutes are signed
    receiver: str = "DPML"  # who receives the findings: DPML or the committee (PANITIA)
    key_path: str | None = None  # the secret key of an encoded registry extract (docs/registry-encoding.md)
    estimate: bool | None = None  # re-estimate the linkage model on this list: always, never, None = by itself
    engine: str = "duckdb"  # what links list and registry: duckdb or spark (cycle/verify_engine.py)
    spark_master: str | None = None  # the Spark master for engine spark; None: local mode

    def __post_init__(self):
        from pemilih.domain.codes import regimes
        object.__setattr__(self, "list_paths", tuple(str(p) for p in self.list_paths))
        object.__setattr__(self, "registry_paths", tuple(str(p) for p in self.registry_paths))
        if self.regime is None:
            object.__setattr__(self, "regime", default_regime(self.dps_set_on))
        if self.regime not in regimes():
            raise StepError(f"Rezim kode '{self.regime}' tidak dikenal; pilih: {', '.join(regimes())}")
        if self.dps_set_on is not None and self.dps_set_on > self.on:
            raise StepError("Tanggal penetapan DPS tidak boleh sesudah hari pemungutan suara.")
        from pemilih.cycle.verify_minutes import RECEIVERS
        if self.receiver not in RECEIVERS:
            raise StepError(f"Penerima hasil verifikasi '{self.receiver}' tidak dikenal; pilih: {', '.join(RECEIVERS)}")
        from pemilih.cycle.verify_engine import checked
        checked(self.engine, encoded=self.key_path is not None)

    @property
    def uses_workspace(self) -> bool:
        return not self.list_paths or not self.registry_paths or self.load is not None


@dataclass
class VerifyOutcome:
    findings: pl.DataFrame
    paths: dict[str, str]  # "csv", "xlsx", "ba_verifikasi" (the minutes, PDF)
    list_rows: int
    registry_rows: int
    by_nik: int
    by_probability: int
    residual: int  # rows left for the probabilistic stage
    refused: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    loaded: LoadOutcome | None = None
    estimated: bool = False  # the linkage model was re-estimated on this list
    uncertain: int = 0  # rows left to a person (LINK-UNCERTAIN)

    @property
    def counts(self) -> dict[str, int]:
        return dict(self.findings.group_by("code").len().sort("code").iter_rows())


def run(ws, request: VerifyRequest, progress: Progress = SILENT) -> VerifyOutcome:
    started = time.perf_counter()
    model = _model(request.model_path)
    progress.stage("Membaca daftar dan data Disdukcapil")
    key = _key(request)
    records, problems, registry, refused = _inputs(ws, request, key)
    if records.height == 0 or registry.height == 0:
        raise StepError("Tidak ada baris yang dapat diverifikasi (daftar atau data Disdukcapil kosong).")
    read_s = time.perf_counter() - started
    from pemilih.engine.findings import verify
    from pemilih.io.findings import write_all
    progress.stage("Mencocokkan daftar dengan data Disdukcapil")
    from pemilih.cycle.verify_engine import linking
    with linking(request.engine, request.spark_master):
        result = verify(records, registry, request.on, request.regime, request.dps_set_on, problems, model,
                        key=key, estimate=request.estimate)
    n_list, n_registry = records.height, registry.height
    from pemilih.engine.findings_counts import with_sex
    coded = with_sex(result.findings, records, registry)  # code and sex per finding: the minutes' L/P
    regency = _regency(records)
    del records, registry, problems  # the findings are all that is left to write
    progress.stage("Menulis temuan")
    t = time.perf_counter()
    by_nik = int((result.links["method"] == "nik").sum())
    try:
        minutes = {}  # laid out while findings.xlsx is written
        paths = write_all(result.findings, request.out_dir, meanwhile=lambda csv: minutes.update(path=_minutes(
            ws, request, result.findings, coded, csv, n_list, n_registry, by_nik, result.links.height - by_nik,
            regency)))
        paths["ba_verifikasi"] = str(minutes["path"])
    except OSError as exc:
        raise StepError(f"Gagal menulis hasil ke {request.out_dir}: {exc}") from None
    seconds = {"baca berkas": read_s, **result.seconds, "tulis": time.perf_counter() - t}
    outcome = VerifyOutcome(result.findings, paths, n_list, n_registry, by_nik, result.links.height - by_nik,
                            result.residual, refused, seconds, estimated=result.estimated,
                            uncertain=result.uncertain)
    if request.load is not None:
        from pemilih.cycle import review
        outcome.loaded = review.load(ws, review.LoadRequest(paths["csv"], request.load), progress)
    return outcome


def _minutes(ws, request: VerifyRequest, findings, coded, csv_path: str, n_list: int, n_registry: int, by_nik: int,
             by_probability: int, regency: str) -> Path:
    """ba_verifikasi.pdf beside the findings (cycle/verify_minutes.py)."""
    from pemilih.cycle import verify_minutes as minutes
    from pemilih.cycle.common import local_today
    if request.list_paths:
        list_line = minutes.described(request.list_paths, n_list, "Daftar pemilih")
    else:
        list_line = minutes.received(ws, KIND_KPU, n_list, "Daftar pemilih terkini di ruang kerja", current=True)
    if request.registry_paths:
        what = "Data kependudukan (ekstrak terenkode)" if request.key_path else "Data kependudukan (ekstrak)"
        registry_line = minutes.described(request.registry_paths, n_registry, what)
    else:
        registry_line = minutes.received(ws, KIND_REGISTRY, n_registry, "Data kependudukan (ekstrak)",
                                         request.registry_batch)
    verified = minutes.Verified(list_line, registry_line, n_list, by_nik, by_probability)
    return minutes.write(ws, Path(request.out_dir) / VERIFICATION_MINUTES, findings=findings, coded=coded,
                         regime=request.regime, on=request.on, dps_set_on=request.dps_set_on, verified=verified,
                         findings_csv=csv_path, who=request.who or request.load, day=local_today(),
                         place=request.place, receiver=request.receiver, regency=regency)


def _regency(records) -> str:
    """The regency's name from the list's village codes ('' when none is known)."""
    import polars as pl

    from pemilih.domain.regions import regency_name
    codes = records.select(pl.col("kode_desa").drop_nulls().head(1))["kode_desa"]
    return regency_name(codes[0]) if len(codes) else ""


def _model(path: str | None) -> dict | None:
    if path is None:
        return None
    import json
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError) as exc:
        raise StepError(f"Model pencocokan {path} tidak dapat dibaca: {exc}") from None


def _load_engine() -> None:
    """What verification imports (Polars, DuckDB), while the files are read. Splink is not among
    them: a usual run scores its pairs without it (engine/link_score.py); only a re-estimation
    loads it."""
    import importlib
    for name in ("pemilih.engine.findings", "pemilih.io.findings"):
        importlib.import_module(name)


def _key(request: VerifyRequest) -> bytes | None:
    """The key of an encoded extract, read before anything else: a missing or wrong key stops
    the verification before a file is written. A key with a clear extract is refused too (the
    caller meant another file)."""
    encoded = bool(request.registry_paths) and all(_encoded_file(p) for p in request.registry_paths)
    if any(_encoded_file(p) for p in request.registry_paths) and not encoded:
        raise StepError("Ekstrak terenkode tidak dapat dicampur dengan ekstrak biasa dalam satu verifikasi.")
    if not encoded:
        if request.key_path:
            raise StepError("--key-file hanya untuk ekstrak Disdukcapil terenkode; "
                            "ekstrak yang diberikan tidak terenkode.")
        return None
    if not request.key_path:
        raise StepError("Ekstrak Disdukcapil ini terenkode: berikan berkas kuncinya dengan --key-file "
                        "(kunci yang dipakai Disdukcapil saat mengenkode).")
    from pemilih.cycle.registry_encode import read_key
    return read_key(request.key_path)


def _encoded_file(path: str) -> bool:
    from pemilih.io.registry_encoded import is_encoded
    if Path(path).suffix.lower() != ".csv":
        return False
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as fh:
            header = fh.readline().strip().split(",")
    except OSError:
        return False  # the reader says why
    return is_encoded(header)


def _read_encoded(paths, key: bytes):
    """The encoded extract as the engine's registry frame (engine/encoded_registry.py), after
    checking that it is of the current form and was encoded with this key."""
    import polars as pl

    from pemilih.engine import encoded_registry
    from pemilih.engine.registry_encode import key_id
    from pemilih.io import registry_encoded
    wanted = list(encoded_registry.LINKAGE) + list(encoded_registry.RELEASED) + ["kelas_pekerjaan", "id_kunci"]
    frames = []
    for path in paths:
        try:
            frame = registry_encoded.read(path, wanted)
        except (OSError, ValueError) as exc:
            raise StepError(str(exc)) from None
        if registry_encoded.first_form(frame):
            raise StepError(f"{Path(path).name} dienkode dengan bentuk pertama, yang belum dapat diverifikasi: minta "
                            "Disdukcapil mengenkode ulang ekstraknya dengan 'pemilih registry encode' versi ini.")
        ids = set(frame["id_kunci"].unique().to_list()) - {""}
        if ids != {key_id(key)}:
            raise StepError(f"Kunci tidak cocok: {Path(path).name} dienkode dengan kunci lain (ID_KUNCI "
                            f"{', '.join(sorted(ids)) or 'kosong'}, kunci yang diberikan {key_id(key)}). "
                            "Pakai berkas kunci yang dipakai Disdukcapil saat mengenkode.")
        frames.append(frame)
    return encoded_registry.frame(pl.concat(frames))


def _inputs(ws, request: VerifyRequest, key: bytes | None = None):
    """(list records, list problems or None, registry records, files refused).

    The list is read on a thread of its own while the registry is read: each reader's many
    small steps leave a core idle, so side by side they take three quarters of the time
    (scale-1.0 regency: 1.1-1.3 s instead of 1.6-1.8 s), and the peak stays that of the later
    stages (the list's records are a third of the registry's). Files of more than
    SIDE_BY_SIDE_BYTES together are read one after the other, the registry first: side by side,
    the two readers' working memories would add up to the run's peak (a 3.4-million-row
    province: 4.3 GB instead of 3.8 GB, for 3 to 5 seconds more). The libraries verification
    needs are imported meanwhile too (Polars lets go of Python's lock while it parses)."""
    engine = threading.Thread(target=_load_engine, name="muat-mesin", daemon=True)
    engine.start()
    listing = ThreadPoolExecutor(1, thread_name_prefix="baca-daftar")
    apart = _size(request.list_paths) + _size(request.registry_paths) > SIDE_BY_SIDE_BYTES
    try:
        listed = listing.submit(_read, request.list_paths, KIND_KPU) if request.list_paths and not apart else None
        if key is not None:
            registry, refused = _read_encoded(request.registry_paths, key), []
        elif request.registry_paths:
            registry, _, refused = _read(request.registry_paths, KIND_REGISTRY)
        else:
            registry, refused = _received_registry(ws, request.registry_batch), []
        if request.list_paths and apart:
            listed = listing.submit(_read, request.list_paths, KIND_KPU)
        if listed is not None:
            records, problems, refused_list = listed.result()
            refused = refused + refused_list
        else:
            from pemilih.store.projection import current_list
            records, problems = current_list(ws), None
    finally:
        listing.shutdown(wait=True, cancel_futures=True)  # a registry refused: the list is not needed
        engine.join()
    return records, problems, registry, refused


def _size(paths) -> int:
    """The files' bytes together (a file that cannot be read counts nothing: the reader says why)."""
    total = 0
    for path in paths:
        try:
            total += os.path.getsize(path)
        except OSError:
            pass
    return total


def _read(paths, kind: str):
    """(records with the columns verification uses, problems, files refused)."""
    from pemilih.engine.held import held
    from pemilih.io.read import read_apart
    result = read_apart(list(paths), kind, KEEP[kind])
    records = held(result.records) if kind == KIND_REGISTRY else result.records
    return records, result.problems, result.refused


def _received_registry(ws, batch_id: int | None):
    """The extract the workspace received (the latest, or batch_id), read from its snapshots by
    the same reader as registry files: the bytes received are the extract, byte for byte."""
    from pemilih.store.receive import snapshots_of
    files = snapshots_of(ws, KIND_REGISTRY, batch_id)
    if not files:
        raise StepError("Belum ada ekstrak Disdukcapil yang diterima; unggah ekstraknya lebih dulu."
                        if batch_id is None else "Ekstrak Disdukcapil yang dipilih tidak ada di ruang kerja.")
    with tempfile.TemporaryDirectory(prefix="verifikasi-") as tmp:
        paths = []
        for n, (name, content) in enumerate(files):
            path = Path(tmp) / f"{n}_{name}"  # two snapshots may share a name
            path.write_bytes(content)
            paths.append(str(path))
        return _read(paths, KIND_REGISTRY)[0]
