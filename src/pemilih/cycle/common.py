"""What every step shares: who acts, how progress is reported, and the errors a step refuses with.

A step is a function `run(request, progress=SILENT) -> outcome`. The request is a frozen
dataclass that owns its defaults and checks itself when made (StepError with the reason in
Bahasa Indonesia); the outcome is a dataclass the command line prints and the web renders.
Progress goes to an object with two methods (`stage`, `advance`): the command line's is a
terminal bar (pemilih.progress), the web's the job's row (web/jobs.JobBar), tests pass none.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pemilih.domain.agencies import AGENCIES

DEFAULT_LEGAL_BASIS = "Perjanjian kerja sama berbagi data pemilih KPU dan DPML"


class StepError(ValueError):
    """A request a step cannot carry out as asked; the message says why, for the user."""


@dataclass(frozen=True)
class Who:
    """Who acts, for which agency, why and on what basis: written on every event a step records."""

    actor: str
    agency: str
    reason: str
    legal_basis: str = ""

    def __post_init__(self):
        if self.agency not in AGENCIES:
            raise StepError(f"Instansi '{self.agency}' tidak dikenal; pilih salah satu: {', '.join(AGENCIES)}")
        if not (self.actor or "").strip() or not (self.reason or "").strip():
            raise StepError("Pelaku dan alasan wajib diisi (dicatat dalam log peristiwa)")

    def event_args(self) -> dict:
        """actor, agency and reason as the store's event-writing functions take them."""
        return {"actor": self.actor, "agency": self.agency, "reason": self.reason}


class Progress:
    """A step's progress: `stage(description, total)` starts a stage (total None when unknown),
    `advance(n)` counts work done in it. This base reports nowhere."""

    def stage(self, description: str, total: int | None = None) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass


SILENT = Progress()


class Counter:
    """The `progress=` object the store's bulk functions drive (`update(n)`, and a `total` they
    may fill in once they know it), passed on to a step's Progress as one stage."""

    def __init__(self, progress: Progress, description: str, total: int | None = None):
        self._progress, self._description, self._total = progress, description, total
        self.n = 0
        progress.stage(description, total)

    @property
    def total(self) -> int | None:
        return self._total

    @total.setter
    def total(self, value: int | None) -> None:
        self._total = value
        self._progress.stage(self._description, value)
        if self.n:
            self._progress.advance(self.n)

    def update(self, n: int = 1) -> None:
        self.n += n
        self._progress.advance(n)

    def reach(self, done: int) -> None:
        """`done` in all so far (what the store's bulk writers report)."""
        self.update(done - self.n)


def local_today() -> date:
    """Today where the work happens (the workspace's time zone, WITA for the demo), not on the
    machine's clock: a server set to UTC is still on yesterday until 08:00 in Toraja Utara,
    and periods and agreements count in local days."""
    from zoneinfo import ZoneInfo

    from pemilih.store import settings
    return datetime.now(ZoneInfo(settings.TIME_ZONE)).date()


def day(text: str) -> date:
    """A date as operators write it: DD-MM-YYYY (as printed on forms), YYYY-MM-DD or DD/MM/YYYY."""
    for pattern in ("%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise StepError(f"tanggal '{text}' tidak dikenali; tulis HH-BB-TTTT, mis. 17-03-2027")


def thousands(value: int) -> str:
    """A count as written in Indonesia: 190.231."""
    return f"{value:,}".replace(",", ".")


def working_regime(ws) -> str:
    """The code table work uses unless told otherwise: the latest election's (a Pilkalem adds
    TMS-D), else KPU's. The one default for sharing, hand-back and the dashboard."""
    from pemilih.contract import KPU_REGIME
    from pemilih.domain.codes import regimes
    from pemilih.store.elections import latest_election
    election = latest_election(ws)
    return election.regime if election is not None and election.regime in regimes() else KPU_REGIME


def check_regime(regime: str) -> str:
    from pemilih.domain.codes import regimes
    if regime not in regimes():
        raise StepError(f"Rezim kode '{regime}' tidak dikenal; pilih: {', '.join(regimes())}")
    return regime


def is_refusal(exc: BaseException) -> bool:
    """Whether an error is a refusal a person should read as it is (a step's or the store's
    reason in Bahasa Indonesia), rather than a fault to report."""
    from pemilih.io.package import PackageError
    from pemilih.store.accounts import AccountError
    from pemilih.store.changes import ChangeError
    from pemilih.store.events import EventError
    from pemilih.store.handback import HandbackError
    from pemilih.store.receive import ImportRefused
    from pemilih.store.workspace import WorkspaceError
    return isinstance(exc, (StepError, AccountError, ChangeError, ImportRefused, WorkspaceError, PackageError,
                            HandbackError, EventError))
