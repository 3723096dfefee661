"""The synthetic demo regency (Kabupaten Toraja Utara): a stale KPU list, a civil-registry
extract and the ground truth a verifier is measured against. Entry point: generate()."""
from __future__ import annotations


def generate(out_dir: str, scale: float = 1.0, seed: int | None = None, progress: bool = True,
             processes: int = 2) -> dict:
    """Write the demo files to out_dir (see pemilih.generate.core); returns a summary dict."""
    from .config import DEFAULT_SEED
    from .core import generate as _generate
    return _generate(out_dir, scale, DEFAULT_SEED if seed is None else seed, progress, processes)


__all__ = ["generate"]
