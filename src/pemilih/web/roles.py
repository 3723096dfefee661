"""The roles of the web application and what each is called in the interface."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    KPU = "kpu", _("Operator KPU")
    DPML = "dpml", _("Operator DPML")
    PANITIA = "panitia", _("Panitia pemilihan lembang")
    DISDUKCAPIL = "disdukcapil", _("Verifikator Disdukcapil")
    VIEWER = "pemantau", _("Pemantau (rekap saja)")


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
