"""Fixed facts of the demo regency: the timeline, the regency, and the rates of life and error.

Rates are per person over the whole period between the KPU list and the registry extract
(2023-06-21 .. 2026-10-31, about 3.4 years) unless said otherwise; counts of planted defects
are per list row. They were tuned so that a scale-1.0 run gives ~260k residents, ~195k list
rows and ~300k registry rows, with each defect kind in the hundreds to low thousands.
"""
from __future__ import annotations

from datetime import date

REGENCY = "73.26"
PROVINCE_NAME = "SULAWESI SELATAN"
REGENCY_NAME = "TORAJA UTARA"
REGIME = "PILKALEM"
DEFAULT_SEED = 7326

# Timeline.
DPT_SET = date(2023, 6, 21)          # the KPU list (DPT Pemilu 2024) is a snapshot of this day
PEMILU_DAY = date(2024, 2, 14)       # eligibility of the list is judged on this day
EXTRACT_DAY = date(2026, 10, 31)     # the civil-registry extract
DPS_SET = date(2027, 1, 15)          # Pilkalem provisional list: 6-month domicile rule counts back from here
PILKALEM_DAY = date(2027, 3, 17)     # Pilkalem voting day: age rule
HISTORY_START = date(2015, 1, 1)     # deaths and moves out since then stay in the extract
STALE_FROM = date(2019, 1, 1)        # older deaths were cleaned from the list before 2023
# Moves inside the regency end before this day, so every mover is past the 6-month rule.
LAST_INTERNAL_MOVE = date(2026, 6, 30)
SIGNATURE_DATE = "21-06-2023"

RESIDENTS_AT_SCALE_1 = 262_000       # at the list day; births and move-ins bring it to ~260k
TPS_MAX = 300
TPS_TARGET = 270

# Life between the list and the extract (probabilities over the whole period).
HOUSEHOLD_MOVE_OUT = 0.010
HOUSEHOLD_MOVE_WITHIN = 0.008
HOUSEHOLD_MOVE_REGENCY = 0.006       # a province only: to another regency of it
YOUNG_MOVE_OUT = 0.030               # single adults 18-35 leaving for work or study
MARRIAGE_WOMEN = 0.20                # never-married women 19-34
NEW_TNI_POLRI = 0.020                # men 18-24
BIRTHS_PER_PERSON = 0.045
MOVE_IN_PER_PERSON = 0.012
LATE_MOVE_IN_SHARE = 0.2             # move-ins too recent for the 6-month rule
HISTORIC_DEATHS_PER_PERSON = 0.042   # deaths 2015 .. list day
HISTORIC_MOVES_PER_PERSON = 0.050    # moves out 2015 .. list day
OMITTED_FROM_LIST = 0.005            # eligible in 2023 but never listed

# Planted list defects, per original list row (minimum 2 each so small scales show them all).
PLANT = {
    "stale_dead": 0.0020, "stale_moved": 0.0015, "minor": 0.0017, "ghost": 0.0022,
    "tni_listed": 0.0002, "polri_listed": 0.0002,
    "dup_exact": 0.0020, "dup_village": 0.0012, "dup_nik_typo": 0.0012, "dup_nik_empty": 0.0006,
    "dup_name": 0.0012, "dup_cosmetic": 0.0006,
    "name_typo": 0.0080, "dob_swap": 0.0020, "dob_digit": 0.0025, "nik_typo": 0.0030,
    "nik_swap": 0.0012, "nik_empty": 0.0015, "sex_wrong": 0.0015, "birthplace_typo": 0.0030,
    "rt_changed": 0.0030, "rw_changed": 0.0012,
    "cosmetic_name": 0.025, "cosmetic_place": 0.004,
    "nik_float": 0.0008, "nik_length": 0.0004, "nik_invalid": 0.0003, "date_invalid": 0.0003,
    "desa_unknown": 0.0002, "desa_variant": 0.0060, "kode_desa_empty": 0.0040,
    "name_empty": 0.0001, "name_formula": 0.0001, "name_digits": 0.0001, "name_numbered": 0.0001,
    "nik_serial": 0.0002, "desa_mismatch": 0.0002,
    # A province only: across its regencies.
    "dup_regency": 0.0012, "dup_regency_nik": 0.0006, "nik_region": 0.0020,
}
