"""The steps' own rules, written once (pemilih/cycle): requests check themselves when made, own
their defaults, and the web's job kinds are one table the worker reads without the pages."""
from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from pemilih.cycle import election, handback, receive, verify
from pemilih.cycle.common import StepError, Who


def test_the_default_code_table_of_a_verification_is_chosen_in_one_place():
    """A DPS date means a village election (its domicile rule): the command line and the web's
    form both ask the request, which asks cycle.verify.default_regime."""
    on = date(2027, 3, 17)
    assert verify.VerifyRequest(on=on, out_dir="o").regime == "PEMILU2024"
    assert verify.VerifyRequest(on=on, out_dir="o", dps_set_on=date(2027, 1, 15)).regime == "PILKALEM"
    assert verify.VerifyRequest(on=on, out_dir="o", regime="PILKADA2018").regime == "PILKADA2018"
    with pytest.raises(StepError, match="tidak dikenal"):
        verify.VerifyRequest(on=on, out_dir="o", regime="PEMILU1955")
    with pytest.raises(StepError, match="sesudah hari pemungutan"):
        verify.VerifyRequest(on=on, out_dir="o", dps_set_on=date(2027, 4, 1))


def test_receiving_names_the_datas_origin_by_kind():
    asked = receive.ReceiveRequest(("a.csv",), "operator")
    assert (asked.who("kpu").agency, asked.who("registry").agency) == ("KPU", "DISDUKCAPIL")
    assert asked.who("kpu").reason != asked.who("registry").reason
    assert receive.ReceiveRequest(("a.csv",), "x", agency="DPML").who("registry").agency == "DPML"
    with pytest.raises(StepError, match="tidak dikenal"):
        receive.ReceiveRequest(("a.csv",), "x", agency="BUPATI")
    with pytest.raises(StepError, match="wajib diisi"):
        receive.ReceiveRequest(("a.csv",), " ")
    with pytest.raises(StepError, match="satu berkas"):
        receive.ReceiveRequest((), "x")


def test_requests_refuse_what_their_step_cannot_do():
    who = Who("x", "DPML", "uji")
    with pytest.raises(StepError, match="Kode pemilihan"):
        election.CreateRequest("PK 27", "Pilkalem", date(2027, 3, 1), date(2027, 1, 1), ("73.26.01.2001",), who)
    with pytest.raises(StepError, match="Cadangan"):
        election.CreateRequest("PK27", "Pilkalem", date(2027, 3, 1), date(2027, 1, 1), ("73.26.01.2001",), who,
                               reserve_percent="150")
    with pytest.raises(StepError, match="Tahap"):
        election.SetListRequest("PK27", "DPX", None, who)
    with pytest.raises(StepError, match="Periode"):
        handback.HandbackRequest("o", "../2027", "PKS", who)


def test_an_election_request_names_lembang_only_and_owns_its_schedule():
    """Issue 12: a Pilkalem is held in desa/lembang (code 2xxx), never a kelurahan (1xxx); its
    schedule defaults to its code table's (PILKALEM: 3 days of notice and responses, the DPT
    the day after), and every code table has its rules."""
    from pemilih.domain import codes, election_rules
    who = Who("x", "DPML", "uji")
    with pytest.raises(StepError, match="bukan di kelurahan \\(kode 1xxx\\): 73.26.01.1001"):
        election.CreateRequest("PK27", "Pilkalem", date(2027, 3, 17), date(2027, 1, 15),
                               ("73.26.01.2001", "7326011001"), who)
    asked = election.CreateRequest("PK27", "Pilkalem", date(2027, 3, 17), date(2027, 1, 15),
                                   ("7326012001", "73.26.01.2001", "73.26.01.2017"), who)
    assert asked.villages == ("73.26.01.2001", "73.26.01.2017")
    assert asked.schedule == election_rules.Schedule(date(2027, 1, 15), date(2027, 1, 17), date(2027, 1, 17),
                                                     date(2027, 1, 18), date(2027, 3, 17))
    assert election.SetListRequest("PK27", "DPS", None, who, schedule_reason="  ").schedule_reason is None
    assert election_rules.ruled_regimes() == codes.regimes()


def test_job_kinds_are_one_table_the_worker_reads_without_the_pages():
    """Issue 11: handlers registered themselves when the view modules were imported, so a job
    of a kind whose page was not loaded yet had no handler. Now the worker takes the table."""
    code = ("import sys\n"
            "from pemilih.store import settings; settings.ensure_configured()\n"
            "import django; django.setup()\n"
            "from pemilih.web import jobs\n"
            "kinds = set(jobs.handlers())\n"
            "print(sorted(kinds)); print(any(m.startswith('pemilih.web.views') for m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    kinds, views_loaded = done.stdout.strip().split("\n")[-2:]
    assert eval(kinds) == ["coklit-semua", "kumpul", "pilkalem_daftar", "retensi", "serah", "terapkan", "terima",
                           "verifikasi"]
    assert views_loaded == "False"
