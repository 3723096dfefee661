"""The synthetic demo regency (Kabupaten Toraja Utara): a stale KPU list, a civil-registry
extract and the ground truth a verifier is measured against. Entry point: generate()."""
from __future__ import annotations


def generate(out_dir: str, scale: float = 1.0, seed: int | None = None, progress: bool = True,
             processes: int = 2, province: str | None = None, workbooks: bool = True) -> dict:
    """Write the demo files to out_dir (see pemilih.generate.core); returns a summary dict.
    `province` (`73`): all regencies of that province instead of Toraja Utara alone;
    `workbooks=False`: the CSVs alone, without the villages' workbooks."""
    from .config import DEFAULT_SEED
    from .core import generate as _generate
    return _generate(out_dir, scale, DEFAULT_SEED if seed is None else seed, progress, processes, province,
                     workbooks)


def existing(out_dir, scale: float, seed: int) -> dict | None:
    """The meta.json of a regency already generated in out_dir with this scale and seed, else None."""
    import json
    from pathlib import Path
    meta = Path(out_dir) / "truth" / "meta.json"
    if not meta.exists():
        return None
    data = json.loads(meta.read_text(encoding="utf-8"))
    same = float(data.get("scale", -1)) == float(scale) and int(data.get("seed", -1)) == int(seed)
    return data if same else None


__all__ = ["generate", "existing"]
