"""The roles of the web application and what each is called in the interface."""
from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Administrator"
    KPU = "kpu", "Operator KPU"
    DPML = "dpml", "Operator DPML"
    PANITIA = "panitia", "Panitia pemilihan lembang"
    DISDUKCAPIL = "disdukcapil", "Verifikator Disdukcapil"
    VIEWER = "pemantau", "Pemantau (rekap saja)"


# The agency each role acts for: it is written on every event the role causes.
AGENCY = {
    Role.ADMIN: "DPML",
    Role.KPU: "KPU",
    Role.DPML: "DPML",
    Role.PANITIA: "PANITIA",
    Role.DISDUKCAPIL: "DISDUKCAPIL",
    Role.VIEWER: "PUBLIK",
}

ALL = frozenset(Role.values)
