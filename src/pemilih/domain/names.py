"""Indonesian personal names: what is cosmetic, and what a matcher may treat as the same name.

Two keys, for two questions:

* `cosmetic_key` answers "is this a finding?" (formats.md section 4): letter case, spacing,
  punctuation and apostrophes (`NE' RANTE` / `Ne Rante`), the common abbreviations
  `MUH.`/`MUHAMMAD` and `ABD.`/`ABDUL`, and honorific or academic titles (`H.`, `HJ.`, `DRS.`,
  `, S.PD.`) are not differences; every other letter is, because the registry's spelling is
  the one on the KTP.
* `link_key` answers "could this be the same person?": on top of the cosmetic rules it folds
  spelling variants that people write interchangeably: the old (pre-1972) orthography
  `OE`/`DJ`/`TJ`/`NJ`/`SJ`/`CH`, and the many spellings of Muhammad. It is never used to decide
  what to correct, only to find candidates and score them.

Most Indonesians have no family name and many have a single name, so names are compared as
whole strings and token sets, never split into first name and surname.
"""
from __future__ import annotations

import re

# Leading honorifics and academic titles. `H` without a dot is left alone: it can be an
# initial. Written as regular expressions that Python and Polars read alike, so the
# column-wise version in pemilih.engine.names gives exactly the same keys.
TITLE_RE = (r"^(?:(?:H\.|HJ\.?|HAJI|HAJJAH|HAJAH|DRS\.?|DRA\.?|DR\.|IR\.?|PROF\.?|KH\.?|"
            r"USTADZ|USTAD|BPK\.|IBU|NY\.|TN\.|SDR\.)\s+)+")
# A degree written after the name: `, S.PD., M.SI`, ` S.E.`, `, AMD.KEB`, `, S1`.
_DEG = r"(?:(?:S|M|A|D)(?:\.[A-Z]{1,4})+\.?|AMD(?:\.[A-Z]+)*\.?|S\d)"
DEGREE_RE = rf"(?:\s*,\s*{_DEG}(?:[\s,]+{_DEG})*|\s+(?:S|M)(?:\.[A-Z]{{1,4}})+\.)\s*$"
# Abbreviations that stand for exactly one word: cosmetic (formats.md section 4).
ABBREVIATIONS = {
    "MUH.": "MUHAMMAD", "MUH": "MUHAMMAD", "MOH.": "MUHAMMAD", "MUHD.": "MUHAMMAD",
    "MHD.": "MUHAMMAD", "ABD.": "ABDUL", "ABD": "ABDUL",
}
# Spellings of Muhammad (and friends) that are different letters on paper but the same name
# to a matcher (keys are letters only).
LINK_VARIANTS = {
    "MOH": "MUHAMMAD", "MOHAMMAD": "MUHAMMAD", "MOHAMAD": "MUHAMMAD", "MOHAMMED": "MUHAMMAD",
    "MUHAMAD": "MUHAMMAD", "MUHAMMED": "MUHAMMAD", "MUCHAMMAD": "MUHAMMAD", "MOCHAMAD": "MUHAMMAD",
    "MOCHAMMAD": "MUHAMMAD", "MUHD": "MUHAMMAD", "MHD": "MUHAMMAD", "MUHAMAT": "MUHAMMAD",
    "MOCH": "MUHAMMAD", "MOHD": "MUHAMMAD", "ACHMAD": "AHMAD", "AHMED": "AHMAD",
    "ABDOEL": "ABDUL", "ABDOL": "ABDUL",
}
# Old orthography -> current (EYD), applied inside words in one left-to-right pass.
OLD_SPELLING = {"OE": "U", "DJ": "J", "TJ": "C", "NJ": "NY", "SJ": "SY", "CH": "KH"}
_OLD_RE = re.compile("|".join(OLD_SPELLING))
NON_LETTER_RE = r"[^A-Z]"
# How a name sounds (for matching only): letters Indonesians write interchangeably for one
# sound (SYAMSUDDIN/SAMSUDIN, KHADIJAH/HADIJAH, ZAENAL/ZAINAL, SURYADI/SURIADI, VIVI/FIFI),
# replaced in one pass over the link key (leftmost first, the longer spelling before the
# shorter at one place); then doubled letters are written once (MUHAMMAD/MUHAMAD) and a
# word's final H is dropped (FATIMAH/FATIMA).
SOUND_RULES = [("KH", "H"), ("SH", "S"), ("SY", "S"), ("DZ", "Z"), ("DH", "D"), ("TH", "T"),
               ("PH", "F"), ("Q", "K"), ("V", "F"), ("X", "KS"), ("AE", "AI"), ("OU", "U"), ("Y", "I")]
DOUBLED = [(c + c, c) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
FINAL_H_RE = r"H\b"
_SOUND = dict(SOUND_RULES)
_SOUND_RE = re.compile("|".join(sorted(_SOUND, key=len, reverse=True)))


def tokens(name: str | None) -> list[str]:
    """Upper-case words with the leading titles and trailing degrees removed."""
    text = (name or "").upper().replace("’", "'").replace("`", "'").strip()
    text = re.sub(DEGREE_RE, "", text)
    text = re.sub(TITLE_RE, "", text)
    return text.split()


def cosmetic_key(name: str | None) -> str:
    """Letters only, after titles and the one-word abbreviations: equal keys = no finding."""
    words = [ABBREVIATIONS.get(w, w) for w in tokens(name)]
    return re.sub(NON_LETTER_RE, "", "".join(words))


def fold_spelling(word: str) -> str:
    return _OLD_RE.sub(lambda m: OLD_SPELLING[m.group()], word)


def link_tokens(name: str | None) -> list[str]:
    """Tokens for matching: cosmetic rules, Muhammad spellings, old orthography folded."""
    out = []
    for w in tokens(name):
        w = re.sub(NON_LETTER_RE, "", ABBREVIATIONS.get(w, w))
        if w:
            out.append(fold_spelling(LINK_VARIANTS.get(w, w)))
    return out


def sound_key(name: str | None) -> str:
    """The link key as it sounds (SOUND_RULES); equal sound keys are the same name said aloud."""
    text = _SOUND_RE.sub(lambda m: _SOUND[m.group()], link_key(name))
    for _ in range(2):  # a letter written three times
        for old, new in DOUBLED:
            text = text.replace(old, new)
    return re.sub(FINAL_H_RE, "", text)


def link_key(name: str | None) -> str:
    """The matcher's spelling of a whole name: link tokens joined by single spaces."""
    return " ".join(link_tokens(name))


def place_key(place: str | None) -> str:
    """A birthplace or address without case, spacing or punctuation."""
    return re.sub(r"[^A-Z0-9]", "", (place or "").upper())
