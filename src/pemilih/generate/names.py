"""Personal names as KPU prints them (upper case): Toraja, Christian and Muslim styles, plus the
two kinds of difference the verifier must tell apart: cosmetic variants (not a finding) and
typos (a `U` on NAMA).
"""
from __future__ import annotations

import re

from .refdata import RefData, Weighted

CHRISTIAN = {
    "L": "YOHANIS YOHANES PETRUS PAULUS MARKUS YAKOBUS DANIEL SAMUEL LUKAS MATIUS YOSEF MARTHEN "
         "YULIUS ANDARIAS FRANS FRANSISKUS STEFANUS SIMON ELIAS AGUSTINUS BENYAMIN DAVID YONATAN "
         "HERMAN ALBERTUS ANTONIUS TIMOTIUS YOSUA KORNELIUS DOMINGGUS SEMUEL MARTINUS ANDREAS",
    "P": "MARIA AGUSTINA YOHANA MARTA ESTER DEBORA RUTH NAOMI MAGDALENA ELISABETH KRISTINA PAULINA "
         "YULIANA SARLOTA MARLINA HERLINA RIBKA LIDIA MARIANA YOSEFINA FRANSISKA KATARINA "
         "VERONIKA OKTAVIANA DORKAS SUSANA ROSALINA MARGARETA",
}
MUSLIM = {
    "L": "ARSYAD RAHMAN HASAN JAMALUDDIN YUSUF IDRIS RIDWAN SYAMSUL BASRI HAMZAH SALEH AMIR ILHAM "
         "RASYID FAJAR AKBAR HALIM KADIR MAHMUD NASRULLAH ALI ANWAR",
    "P": "AISYAH FATIMAH HALIJAH HASNAH RAHMAWATI NURHAYATI SAMSIAH JUMIATI HADIJAH ROSMINI "
         "SAENAB MARYAM ASMA RAHMAH",
}
# Toraja name elements with a glottal stop, written with an apostrophe as on KTPs.
TORAJA_APOSTROPHE = "SA'PANG PA'TODING LA'BI TA'DUNG BA'TAN KA'PAN LO'KO' MA'DIKA BUA' SULO' PA'BIDANG"
TORAJA_GIVEN = "RANTE TANDI SAMPE LAI TOMBI TODING ALLO LOLO BATARA LEMBANG BUNGA' DATU"

TITLES = ("H.", "HJ.")
ABBREVIATIONS = {"MUH.": "MUHAMMAD", "MUH": "MUHAMMAD", "MOH.": "MUHAMMAD", "MUHD.": "MUHAMMAD",
                 "ABD.": "ABDUL", "ABD": "ABDUL"}


def name_key(name: str) -> str:
    """What stays of a name once cosmetic differences are removed (used to build the truth).

    Case, spacing, apostrophes and dots, the abbreviations MUH./ABD. and the titles H./HJ.
    are not differences; any other letter is.
    """
    tokens = name.upper().replace("’", "'").split()
    while tokens and tokens[0] in TITLES:
        tokens = tokens[1:]
    tokens = [ABBREVIATIONS.get(t, t) for t in tokens]
    return re.sub(r"[^A-Z]", "", "".join(tokens))


def place_key(place: str) -> str:
    return re.sub(r"[^A-Z]", "", place.upper())


class NameMaker:
    def __init__(self, ref: RefData):
        self.ref = ref

        def pool(words: str) -> Weighted:
            return Weighted.of((w, 1 + ref.given_counts.get(w, 1) ** 0.5) for w in words.split())

        self.christian = {s: pool(w) for s, w in CHRISTIAN.items()}
        self.muslim = {s: pool(w) for s, w in MUSLIM.items()}
        self.apostrophe = Weighted.of((w, 1) for w in TORAJA_APOSTROPHE.split())
        self.toraja_given = Weighted.of((w, 1) for w in TORAJA_GIVEN.split())

    def _toraja(self, rng) -> str:
        r = rng.random()
        if r < 0.12:
            return self.apostrophe.draw(rng)
        if r < 0.35:
            return self.toraja_given.draw(rng)
        return self.ref.toraja_family.draw(rng)

    def _general(self, sex: str, rng) -> str:
        return self.ref.given[sex].draw(rng)

    def make(self, religion: str, sex: str, age: int, family: str, rng) -> str:
        """A full name for one person; `family` is the household's Toraja family name."""
        if religion == "islam":
            return self._muslim(sex, age, rng)
        if age >= 60 and rng.random() < (0.25 if religion == "aluk" else 0.06):
            return f"NE' {self._toraja(rng)}"  # teknonym: grandparent of ...
        r = rng.random()
        if religion == "aluk":
            r = 0.8 + r * 0.2
        if r < 0.40:
            return f"{self.christian[sex].draw(rng)} {family}"
        if r < 0.55:
            return f"{self._general(sex, rng)} {family}"
        if r < 0.65:
            return f"{self.christian[sex].draw(rng)} {self._general(sex, rng)}"
        if r < 0.72:
            return f"{self._general(sex, rng)} {self._general(sex, rng)}"
        if r < 0.80:
            return self._general(sex, rng)
        if r < 0.90:
            return self._toraja(rng)
        first, second = self._toraja(rng), self._toraja(rng)
        return first if first == second else f"{first} {second}"

    def _muslim(self, sex: str, age: int, rng) -> str:
        second = self.muslim[sex].draw(rng) if rng.random() < 0.6 else self._general(sex, rng)
        r = rng.random()
        if sex == "L":
            lead = "MUHAMMAD" if r < 0.3 else "MUH." if r < 0.5 else "ABD." if r < 0.58 else \
                "ABDUL" if r < 0.62 else "AHMAD" if r < 0.75 else ""
        else:
            lead = "NUR" if r < 0.25 else "SITI" if r < 0.45 else ""
        name = f"{lead} {second}".strip()
        if age >= 50 and rng.random() < 0.35:
            name = f"{'H.' if sex == 'L' else 'HJ.'} {name}"
        return name


# Cosmetic variants: each returns a different spelling with the same name_key, or None.

def _title_case(name: str, rng) -> str | None:
    return " ".join(w.capitalize() if "'" not in w else w[:1] + w[1:].lower() for w in name.split())


def _spacing(name: str, rng) -> str | None:
    words = name.split()
    if len(words) < 2:
        return f" {name}"
    i = rng.randrange(len(words) - 1)
    return " ".join(words[:i + 1]) + "  " + " ".join(words[i + 1:])


def _apostrophe(name: str, rng) -> str | None:
    if "'" not in name:
        return None
    if "' " in name and rng.random() < 0.5:
        return name.replace("' ", "'", 1)
    return name.replace("'", "")


def _abbreviation(name: str, rng) -> str | None:
    for long, short in (("MUHAMMAD ", "MUH. "), ("ABDUL ", "ABD. ")):
        if long in name:
            return name.replace(long, short, 1)
        if short in name:
            return name.replace(short, long, 1)
    return None


def _title(name: str, rng) -> str | None:
    for t in TITLES:
        if name.startswith(t + " "):
            return name[len(t) + 1:]
    return None


COSMETIC = {"CASE": _title_case, "SPACING": _spacing, "APOSTROPHE": _apostrophe,
            "ABBREVIATION": _abbreviation, "TITLE": _title}


def cosmetic_variant(name: str, rng) -> tuple[str, str] | None:
    """A cosmetic respelling, preferring the kinds this name allows (apostrophe, MUH., H.)."""
    kinds = [k for k in ("TITLE", "ABBREVIATION", "APOSTROPHE") if COSMETIC[k](name, rng) is not None]
    kinds += ["CASE", "SPACING"]
    kind = kinds[0] if len(kinds) > 2 and rng.random() < 0.7 else rng.choice(kinds)
    variant = COSMETIC[kind](name, rng)
    if variant is None or variant == name or name_key(variant) != name_key(name):
        return None
    return variant, kind


NEIGHBOURS = {"A": "E", "E": "I", "I": "E", "O": "U", "U": "O", "N": "M", "M": "N", "R": "L",
              "L": "R", "D": "T", "T": "D", "B": "P", "P": "B", "S": "Z", "K": "G", "G": "K",
              "Y": "I", "H": "K", "J": "Y", "F": "P", "W": "U", "C": "S", "Z": "S", "V": "F"}


def typo(text: str, rng, key=name_key) -> str:
    """One letter changed, dropped or doubled inside a real name word: never merely cosmetic."""
    words = text.split(" ")
    core = [i for i, w in enumerate(words)
            if len(re.sub(r"[^A-Z]", "", w)) >= 3 and w not in TITLES and w not in ABBREVIATIONS]
    for _ in range(20):
        i = rng.choice(core) if core else 0
        word = words[i]
        letters = [j for j, ch in enumerate(word) if ch.isalpha() and j > 0]
        if not letters:
            continue
        j = rng.choice(letters)
        how = rng.random()
        if how < 0.45:
            new = word[:j] + NEIGHBOURS.get(word[j], "A") + word[j + 1:]
        elif how < 0.75:
            new = word[:j] + word[j + 1:]
        else:
            new = word[:j] + word[j] + word[j:]
        candidate = " ".join(words[:i] + [new] + words[i + 1:])
        if key(candidate) != key(text):
            return candidate
    return text + "A"  # unreachable for real names; keeps the contract (a real difference)
