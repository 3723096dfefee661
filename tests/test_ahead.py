"""engine/ahead: work begun on another thread, its result (or its error) handed over once."""
from __future__ import annotations

import threading

import pytest

from pemilih.engine.ahead import Ahead


def test_the_work_runs_on_another_thread_and_its_result_is_taken_once():
    ran_on = []

    def work(a, b):
        ran_on.append(threading.current_thread().name)
        return a + b
    ahead = Ahead("uji", work, 2, 3)
    assert ahead.take() == 5
    assert ran_on and ran_on[0].startswith("uji") and ran_on[0] != threading.current_thread().name
    with pytest.raises(RuntimeError):
        ahead.take()


def test_an_error_of_the_work_is_raised_where_it_is_taken():
    def work():
        raise ValueError("rusak")
    ahead = Ahead("uji", work)
    with pytest.raises(ValueError, match="rusak"):
        ahead.take()
