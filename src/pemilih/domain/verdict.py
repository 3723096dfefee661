"""What judging one value gives: the value to store, or a stable problem code and a reason."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Verdict:
    value: str | None  # what to store: normalised when certain, else as written
    code: str | None = None  # problem code, None when the value is fine
    reason: str | None = None  # in Bahasa Indonesia; never a NIK/NKK in clear

    @property
    def ok(self) -> bool:
        return self.code is None


OK_EMPTY = Verdict(None)
