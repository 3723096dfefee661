"""How values go wrong on a voter list: pure functions, each returning the damaged value.

NIK typos never produce a NIK that belongs to someone (or was already used as a typo); Excel
floats reproduce what Excel shows (`7.32601E+15`) and keeps (15 significant digits).
"""
from __future__ import annotations

from datetime import date, timedelta

from pemilih.domain.regions import name_key as village_key


def nik_typo(nik: str, rng, used: set[str]) -> str | None:
    """One digit changed."""
    for _ in range(50):
        i = rng.randrange(16)
        new = nik[:i] + rng.choice([d for d in "0123456789" if d != nik[i]]) + nik[i + 1:]
        if new not in used:
            used.add(new)
            return new
    return None


def nik_region_typo(nik: str, prefixes: frozenset[str], rng, used: set[str]) -> str | None:
    """One of the six region digits changed so that they name a kecamatan of another regency
    (`732601...` -> `731601...`): still a well-formed NIK, only the person's registry says otherwise."""
    spots = [nik[:i] + d + nik[i + 1:] for i in range(6) for d in "0123456789" if d != nik[i]]
    spots = [n for n in spots if n[:6] in prefixes and n[:4] != nik[:4] and n not in used]
    if not spots:
        return None
    new = rng.choice(spots)
    used.add(new)
    return new


def retyped_region(nik: str, district_code: str, used: set[str]) -> str | None:
    """The NIK with its region digits typed as another kecamatan's (a clerk writing their own
    kecamatan's code): None when that NIK exists already."""
    new = district_code.replace(".", "") + nik[6:]
    if new == nik or new in used:
        return None
    used.add(new)
    return new


def nik_swap(nik: str, rng, used: set[str]) -> str | None:
    """Two adjacent digits swapped."""
    spots = [i for i in range(15) if nik[i] != nik[i + 1]]
    rng.shuffle(spots)
    for i in spots:
        new = nik[:i] + nik[i + 1] + nik[i] + nik[i + 2:]
        if new not in used:
            used.add(new)
            return new
    return None


def excel_float(nik: str, short: bool) -> tuple[str, float]:
    """(text Excel shows or exports, number it keeps): the 16th digit is lost either way."""
    value = float(nik[:15] + "0")
    mantissa, exponent = f"{value:.{5 if short else 11}E}".split("E")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}E{exponent}", value


def nik_wrong_length(nik: str, rng) -> str:
    i = rng.randrange(1, 16)
    if rng.random() < 0.7:
        return nik[:i] + nik[i + 1:]
    return nik[:i] + rng.choice("0123456789") + nik[i:]


def nik_non_digit(nik: str, rng) -> str:
    """Letters typed for digits (O for 0, I or l for 1), as happens when typing from a KTP."""
    spots = [i for i, ch in enumerate(nik) if ch in "01" and i > 0]
    if not spots:
        i = rng.randrange(1, 16)
        return nik[:i] + "-" + nik[i + 1:]
    i = rng.choice(spots)
    return nik[:i] + ("O" if nik[i] == "0" else rng.choice("Il")) + nik[i + 1:]


def dob_swapped(dob: date) -> date | None:
    if dob.day > 12 or dob.day == dob.month:
        return None
    return date(dob.year, dob.day, dob.month)


def dob_digit_off(dob: date, rng) -> date | None:
    """A neighbouring day, month or year: one keystroke off."""
    for _ in range(10):
        which = rng.random()
        try:
            if which < 0.4:
                new = dob + timedelta(days=rng.choice((-10, -1, 1, 10)))
            elif which < 0.6:
                new = dob.replace(month=dob.month + rng.choice((-1, 1)))
            else:
                new = dob.replace(year=dob.year + rng.choice((-10, -1, 1, 10)))
        except ValueError:
            continue
        if new != dob:
            return new
    return None


def impossible_date(dob: date, rng) -> str:
    """A day that does not exist in its month (31-02-1980, 31-04-1975, 29-02-1983 ...)."""
    month = rng.choice((2, 4, 6, 9, 11))
    day = 31 if month != 2 else rng.choice((30, 31))
    return f"{day:02d}-{month:02d}-{dob.year:04d}"


def village_typo(name: str, taken_keys: set[str], rng) -> str | None:
    """A village name misspelt beyond what tolerant matching accepts (two letters wrong)."""
    for _ in range(30):
        letters = [i for i, ch in enumerate(name) if ch.isalpha()]
        if len(letters) < 5:
            return None
        i, j = sorted(rng.sample(letters[1:], 2))
        new = name[:i] + ("O" if name[i] != "O" else "U") + name[i + 1:j] + name[j + 1:]
        if village_key(new) not in taken_keys:
            return new
    return None


def village_variant(name: str, kind: str, rng) -> str:
    """A spelling the tolerant matching must accept: no apostrophes, no spaces, other case,
    a leading LEMBANG/DESA/KELURAHAN."""
    options = []
    if "'" in name:
        options += [name.replace("'", "")] * 2
    if " " in name:
        options.append(name.replace(" ", ""))
    prefix = "KELURAHAN" if kind == "kelurahan" else rng.choice(("LEMBANG", "DESA"))
    options += [name.title(), f"{prefix} {name}"]
    return rng.choice(options)



def nik_serial_zero(nik: str) -> str:
    """The serial (digits 13-16) typed or filled down as 0000, which the registry never issues."""
    return nik[:12] + "0000"


def name_formula(rng) -> str:
    """What a spreadsheet left in the name column: the formula that was meant to tidy it."""
    return f"={rng.choice(('UPPER', 'PROPER', 'TRIM'))}(H{rng.randrange(10, 400)})"


def name_digits(rng) -> str:
    """A number in the name column: a row number or an RT typed one column off."""
    return str(rng.randrange(1, 400))


def name_numbered(name: str, rng) -> str:
    """A name with a number an operator added to tell two people apart (`ANDI 2`)."""
    return f"{name} {rng.randrange(2, 4)}"
