"""Step: reconcile the workspace with KPU's list: every row of the list KPU gave last is in
exactly one of the current list with a village, the struck set with its code, or the unresolved
queue; the voters added since are counted apart (store/reconcile.py). What breaks the rule is
named, key by key (it must be nothing)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pemilih.cycle.common import SILENT, Progress

if TYPE_CHECKING:
    from pemilih.store.reconcile import Reconciliation


@dataclass(frozen=True)
class ReconcileRequest:
    """Nothing to choose: the workspace's last received list against its log and current list."""


def run(ws, request: ReconcileRequest = ReconcileRequest(), progress: Progress = SILENT) -> Reconciliation:
    from pemilih.store.reconcile import reconcile
    progress.stage("Mencocokkan daftar KPU dengan daftar saat ini")
    return reconcile(ws)
