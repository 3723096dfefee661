"""Two NIKs that differ by a typing slip (issue 14): masking.digit_difference says which
position and which digits differ, and never more of either number than the published mask
(its first 6 characters) plus those positions.

Hand-made cases first (positions counted by hand), then hypothesis over generated pairs: one
digit changed, two neighbours swapped, and unrelated numbers.
"""
from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pemilih.domain.masking import SHOWN, digit_difference, mask_id

NIK = "7326014507890001"
ONE = re.compile(r"^digit ke-(\d{1,2}): (\d) ↔ (\d)$")
SWAP = re.compile(r"^digit ke-(\d{1,2}) dan ke-(\d{1,2}) tertukar: (\d)(\d) ↔ (\d)(\d)$")


@pytest.mark.parametrize("a, b, said", [
    ("7326014507890001", "7326014537890001", "digit ke-9: 0 ↔ 3"),
    ("7326014507890001", "7326014507890009", "digit ke-16: 1 ↔ 9"),
    ("7326014507890001", "8326014507890001", "digit ke-1: 7 ↔ 8"),
    ("7326014507890001", "7326014570890001", "digit ke-9 dan ke-10 tertukar: 07 ↔ 70"),
    ("7326014507890001", "7326014507980001", "digit ke-11 dan ke-12 tertukar: 89 ↔ 98"),
    (" 7326014507890001 ", "7326014507890002\n", "digit ke-16: 1 ↔ 2"),
])
def test_a_slip_is_named_by_position_and_digits(a, b, said):
    assert digit_difference(a, b) == said


@pytest.mark.parametrize("a, b", [
    (NIK, NIK),  # the same number
    (NIK, "7326014537890009"),  # two digits apart: two numbers, not one slip
    (NIK, "7326014570890002"),  # a swap and another digit
    (NIK, "732601450789000"),  # 15 digits
    (NIK, "73260145078900012"),
    (NIK, None), (None, None), ("", ""),
    ("732601450789000X", "7326014507890001"),
    ("７３２６０１４５０７８９０００１", NIK),  # full-width digits are not a NIK
])
def test_no_difference_is_told_of_numbers_that_are_not_one_slip_apart(a, b):
    assert digit_difference(a, b) is None


def _revealed(text: str) -> dict[int, tuple[str, str]]:
    """position (1-16) -> (digit of a, digit of b) as the text tells them."""
    if (m := ONE.match(text)):
        return {int(m[1]): (m[2], m[3])}
    m = SWAP.match(text)
    assert m, f"bentuk tidak dikenal: {text!r}"
    first, second = int(m[1]), int(m[2])
    assert second == first + 1
    return {first: (m[3], m[5]), second: (m[4], m[6])}


def _check(a: str, b: str, text: str | None) -> None:
    """Whatever is told is true, concerns only positions where a and b differ, and together
    with the published mask of each reveals at most 6 + those positions."""
    if text is None:
        return
    told = _revealed(text)
    differ = {i + 1 for i in range(16) if a[i] != b[i]}
    assert set(told) == differ
    for position, (da, db) in told.items():
        assert (a[position - 1], b[position - 1]) == (da, db)
    for number in (a, b):
        shown = mask_id(number)
        known = {i for i in range(1, 17) if i <= SHOWN and shown[i - 1] == number[i - 1]} | set(told)
        assert len(known) <= SHOWN + len(differ) <= SHOWN + 2
    # no run of three digits: no piece of either number beyond the differing pair
    assert not re.search(r"\d{3}", text)
    assert sum(ch.isdigit() for ch in text) <= 4 + 4  # digits told (at most 4) and two positions


nik = st.text(alphabet="0123456789", min_size=16, max_size=16)


@given(nik, st.integers(0, 15), st.integers(1, 9))
def test_one_digit_changed_tells_that_digit_only(a, at, shift):
    b = a[:at] + str((int(a[at]) + shift) % 10) + a[at + 1:]
    text = digit_difference(a, b)
    assert text is not None
    _check(a, b, text)
    assert _revealed(text) == {at + 1: (a[at], b[at])}


@given(nik, st.integers(0, 14))
def test_two_neighbours_swapped_tell_those_two(a, at):
    b = a[:at] + a[at + 1] + a[at] + a[at + 2:]
    text = digit_difference(a, b)
    if a[at] == a[at + 1]:
        assert text is None  # nothing was swapped
        return
    assert text is not None
    _check(a, b, text)
    assert set(_revealed(text)) == {at + 1, at + 2}


@given(nik, nik)
def test_any_two_numbers_reveal_no_more_than_the_slip(a, b):
    _check(a, b, digit_difference(a, b))
    _check(b, a, digit_difference(b, a))
