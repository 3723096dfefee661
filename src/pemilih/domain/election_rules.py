"""What each regime (code table) says about an election's villages and stages, kept as data
(data/election_rules.csv, one row per regime in data/codes), and an election's schedule.

- Where it is held: `desa_only` regimes (PILKALEM: a village-head election) are held in
  desa/lembang only, never in a kelurahan.
- The stages and their periods: the DPS is set on its day and announced from then for
  `announce_days` days; responses are taken until day `respond_days`; the DPT is set after
  the responses close (by default `dpt_after_days` after), before the voting day. Dates given
  when an election is made replace these defaults (`schedule`).
- The additional list: whether a DPTb exists after the DPT (`dptb`) and until how many days
  before the voting day it may be set. In a village-head election the residents added while
  the DPS is announced go into the DPT itself (Permendagri 112/2014, domain.md section 5): no
  DPTb follows; general elections keep theirs (moving to vote).

The lengths are documented assumptions where domain.md has no confirmed article (its `basis`
column says which); this module is their one place.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources

from pemilih.domain.regions import is_kelurahan, is_village_code

DPS, DPT, DPTB = "DPS", "DPT", "DPTb"
RESPONDS_TO = DPS  # the list public responses answer; its announcement invites them


@dataclass(frozen=True)
class RegimeRules:
    regime: str
    desa_only: bool  # held in desa/lembang only (no kelurahan)
    announce_days: int  # the DPS is announced this many days, its own day the first
    respond_days: int  # responses are taken until this day of the announcement
    dpt_after_days: int  # the DPT's default day: this many days after responses close
    dptb: bool  # an additional list may follow the DPT
    dptb_closes_days_before: int | None  # ... until this many days before the voting day
    basis: str
    # Voting hours, local time, as printed (`07.00`): the invitations and the officers' copy say them.
    voting_opens: str = "07.00"
    voting_closes: str = "13.00"

    @property
    def voting_hours(self) -> str:
        """`07.00 s.d. 13.00`."""
        return f"{self.voting_opens} s.d. {self.voting_closes}"


def _yes(text: str) -> bool:
    return text.strip().lower() in ("ya", "yes", "1", "true")


@cache
def _table() -> dict[str, RegimeRules]:
    path = resources.files("pemilih.domain") / "data" / "election_rules.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {r["regime"]: RegimeRules(
        regime=r["regime"], desa_only=_yes(r["desa_only"]), announce_days=int(r["announce_days"]),
        respond_days=int(r["respond_days"]), dpt_after_days=int(r["dpt_after_days"]), dptb=_yes(r["dptb"]),
        dptb_closes_days_before=int(r["dptb_closes_days_before"]) if r["dptb_closes_days_before"] else None,
        basis=r["basis"], voting_opens=r.get("voting_opens") or "07.00",
        voting_closes=r.get("voting_closes") or "13.00") for r in rows}


def rules(regime: str) -> RegimeRules:
    found = _table().get(regime)
    if found is None:
        raise KeyError(f"aturan tahapan rezim {regime} tidak ada di data/election_rules.csv")
    return found


def ruled_regimes() -> list[str]:
    return sorted(_table())


def dmy(day: date) -> str:
    return f"{day:%d-%m-%Y}"


# --- the villages ---------------------------------------------------------------------------------

def village_problems(regime: str, villages) -> list[str]:
    """What keeps these codes from being the villages of an election of this regime: a code
    that is no village code; a kelurahan where the regime is held in desa/lembang only."""
    bad = [v for v in villages if not is_village_code(v)]
    if bad:
        return ["Kode desa tidak sah (tulis seperti 73.26.01.2001): " + ", ".join(bad)]
    kelurahan = sorted(v for v in villages if is_kelurahan(v))
    if kelurahan and rules(regime).desa_only:
        return [f"Pemilihan dengan tabel kode {regime} hanya diselenggarakan di desa/lembang (kode desa 2xxx), "
                "bukan di kelurahan (kode 1xxx): " + ", ".join(kelurahan)]
    return []


# --- the schedule ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Schedule:
    """An election's stages by date. Every day is inclusive."""

    dps_set_on: date
    announce_until: date  # the DPS's announcement runs from dps_set_on to this day
    responses_until: date  # the response deadline
    dpt_set_on: date
    voting_day: date

    def problems(self) -> list[str]:
        """What makes these dates no schedule (Bahasa Indonesia, the dates named)."""
        out = []
        if self.dps_set_on > self.voting_day:
            out.append("Tanggal penetapan DPS sesudah hari pemungutan suara")
        if self.announce_until < self.dps_set_on:
            out.append(f"Akhir pengumuman DPS ({dmy(self.announce_until)}) sebelum penetapan DPS "
                       f"({dmy(self.dps_set_on)})")
        if self.responses_until < self.dps_set_on:
            out.append(f"Batas tanggapan ({dmy(self.responses_until)}) sebelum penetapan DPS ({dmy(self.dps_set_on)})")
        if self.dpt_set_on <= self.responses_until:
            out.append(f"Penetapan DPT ({dmy(self.dpt_set_on)}) harus sesudah batas tanggapan "
                       f"({dmy(self.responses_until)})")
        if self.dpt_set_on >= self.voting_day:
            out.append(f"Penetapan DPT ({dmy(self.dpt_set_on)}) harus sebelum hari pemungutan suara "
                       f"({dmy(self.voting_day)})")
        return out

    def period(self, stage: str) -> tuple[date, date]:
        """The days a list may be set on without a reason: the DPS on its day; the DPT once
        the responses are closed, until its day."""
        if stage == DPS:
            return self.dps_set_on, self.dps_set_on
        if stage == DPT:
            return self.responses_until + timedelta(days=1), self.dpt_set_on
        raise KeyError(stage)

    def off_schedule(self, stage: str, on: date) -> str | None:
        """Why setting `stage` on `on` is outside its schedule (naming the scheduled date), or
        None when it is within it. The DPTb has no schedule of its own (`dptb_refusal`)."""
        if stage not in (DPS, DPT):
            return None
        first, last = self.period(stage)
        if first <= on <= last:
            return None
        when = dmy(last) if first == last else f"{dmy(first)} s.d. {dmy(last)}"
        why = ""
        if stage == DPT and on <= self.responses_until:
            why = f"; tanggapan atas DPS masih dibuka sampai {dmy(self.responses_until)}"
        return f"{stage} dijadwalkan ditetapkan pada {when}, hari ini {dmy(on)}{why}"

    def responses_late(self, on: date) -> str | None:
        """Why a response recorded on `on` is after the deadline, or None."""
        if on <= self.responses_until:
            return None
        return f"Batas tanggapan atas DPS {dmy(self.responses_until)} sudah lewat (hari ini {dmy(on)})"


@dataclass(frozen=True)
class CurrentStage:
    """Where an election stands on a day, as a committee's home says it (Bahasa Indonesia)."""

    name: str  # the stage now
    deadline: date | None  # the day the stage ends (None: nothing left to do)
    next_step: str  # what comes next, with its date


def current_stage(planned: Schedule, on: date, set_stages) -> CurrentStage:
    """The stage of an election with this schedule on `on`, given the lists already set
    (`set_stages`: DPS, DPT): a list not set is its stage, however late; then the DPS's
    announcement and responses until their deadline, the wait for the DPT, polling day."""
    done = set(set_stages)
    if DPS not in done:
        late = f" (terlambat; dijadwalkan {dmy(planned.dps_set_on)})" if on > planned.dps_set_on else ""
        return CurrentStage("Penyusunan DPS", planned.dps_set_on,
                            f"DPML menetapkan DPS pada {dmy(planned.dps_set_on)}{late}; sesudah itu DPS "
                            f"diumumkan sampai {dmy(planned.announce_until)}")
    if DPT not in done and on <= planned.responses_until:
        return CurrentStage("Pengumuman DPS dan tanggapan masyarakat", planned.responses_until,
                            f"Catat tanggapan masyarakat atas DPS paling lambat {dmy(planned.responses_until)}; "
                            f"DPT ditetapkan pada {dmy(planned.dpt_set_on)}")
    if DPT not in done:
        late = f" (terlambat; dijadwalkan {dmy(planned.dpt_set_on)})" if on > planned.dpt_set_on else ""
        return CurrentStage("Penyusunan DPT", planned.dpt_set_on,
                            f"DPML menetapkan DPT pada {dmy(planned.dpt_set_on)}{late}; tanggapan atas DPS "
                            f"sudah ditutup {dmy(planned.responses_until)}")
    if on <= planned.voting_day:
        return CurrentStage("Persiapan pemungutan suara", planned.voting_day,
                            f"Pemungutan suara pada {dmy(planned.voting_day)}: siapkan TPS dan "
                            "bagikan undangan kepada pemilih DPT")
    return CurrentStage("Pemungutan suara sudah dilaksanakan", None,
                        f"Pemungutan suara berlangsung {dmy(planned.voting_day)}; tidak ada tahapan daftar "
                        "pemilih lagi")


def schedule(regime: str, dps_set_on: date, voting_day: date, *, announce_until: date | None = None,
             responses_until: date | None = None, dpt_set_on: date | None = None) -> Schedule:
    """An election's schedule: the dates given, the regime's defaults for the others."""
    r = rules(regime)
    announce_until = announce_until or dps_set_on + timedelta(days=r.announce_days - 1)
    responses_until = responses_until or dps_set_on + timedelta(days=r.respond_days - 1)
    dpt_set_on = dpt_set_on or responses_until + timedelta(days=r.dpt_after_days)
    return Schedule(dps_set_on, announce_until, responses_until, dpt_set_on, voting_day)


# --- the additional list ------------------------------------------------------------------------

def dptb_closes(regime: str, voting_day: date) -> date | None:
    """The last day a DPTb may be set; None when the regime has none."""
    r = rules(regime)
    if not r.dptb:
        return None
    return voting_day - timedelta(days=r.dptb_closes_days_before or 0)


def dptb_refusal(regime: str, voting_day: date, on: date) -> str | None:
    """Why no DPTb may be set on `on` in an election of this regime, or None."""
    closes = dptb_closes(regime, voting_day)
    if closes is None:
        return (f"Tabel kode {regime} tidak mengenal DPTb sesudah DPT: pemilih tambahan dicatat lewat "
                "tanggapan selama DPS diumumkan dan masuk DPT")
    if on > closes:
        return (f"DPTb hanya dapat disusun sampai {dmy(closes)} ({rules(regime).dptb_closes_days_before} hari "
                f"sebelum hari pemungutan suara {dmy(voting_day)}); hari ini {dmy(on)}")
    return None


def after_dpt_refusal(regime: str, voting_day: date, on: date) -> str | None:
    """Why public responses are no longer taken once the DPT is set, or None (a regime with a
    DPTb takes additions for it while its window is open)."""
    closes = dptb_closes(regime, voting_day)
    if closes is None:
        return (f"DPT sudah ditetapkan: tanggapan atas DPS tidak diterima lagi, dan tabel kode {regime} tidak "
                "mengenal DPTb sesudah DPT")
    if on > closes:
        return f"DPT sudah ditetapkan dan masa DPTb berakhir {dmy(closes)}; tanggapan tidak diterima lagi"
    return None
