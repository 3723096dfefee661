"""Step: retrain the probabilistic linkage model on a list and a registry extract.

Training (engine/link_train.py, Splink's Fellegi-Sunter estimation) takes a minute or so;
`verify` then uses the model file. The shipped model was trained this way on generated data.
"""
from __future__ import annotations

from dataclasses import dataclass

from pemilih.contract import KIND_KPU, KIND_REGISTRY
from pemilih.cycle.common import SILENT, Progress, StepError

DEFAULT_SEED = 7326
DEFAULT_U_PAIRS = 5e6


@dataclass(frozen=True)
class TrainRequest:
    list_paths: tuple[str, ...]
    registry_paths: tuple[str, ...]
    out: str  # the model file (.json)
    seed: int = DEFAULT_SEED
    u_pairs: float = DEFAULT_U_PAIRS  # random pairs for the u probabilities

    def __post_init__(self):
        if not self.list_paths or not self.registry_paths:
            raise StepError("Sebutkan berkas daftar pemilih dan berkas Disdukcapil untuk melatih model")
        if self.u_pairs <= 0:
            raise StepError("Jumlah pasangan acak harus lebih dari 0")


def run(request: TrainRequest, progress: Progress = SILENT) -> dict:
    """The model written (as a dict)."""
    from pemilih.engine.link_train import train
    from pemilih.io.read import read_files
    progress.stage("Membaca daftar dan data Disdukcapil")
    lists = read_files(list(request.list_paths), kind=KIND_KPU)
    registry = read_files(list(request.registry_paths), kind=KIND_REGISTRY)
    if lists.records.height == 0 or registry.records.height == 0:
        raise StepError("Tidak ada data untuk melatih model (daftar atau data Disdukcapil kosong).")
    progress.stage("Melatih model pencocokan")
    try:
        return train(lists.records, registry.records, request.out, seed=request.seed, u_pairs=request.u_pairs)
    except OSError as exc:
        raise StepError(f"Gagal menulis model: {exc}") from None
