"""The roles of an account and what each is called in the interface (the web application's
access rules, and the command line's `pemilih akun`)."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from pemilih.domain.roles import ROLE_CODES


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
assert set(ROLE_CODES) == ALL, "domain/roles.py and store/roles.py name different roles"

# The roles that open or download voters' personal data (the URLs whose rule says personal_data:
# lists, coklit workbooks, findings, DPS/DPT files, the hand-back): a second factor (TOTP) is
# offered to them, and required of them when PEMILIH_WAJIB_2FA=1 (settings.PEMILIH_REQUIRE_2FA).
EXPORTS_PERSONAL_DATA = frozenset({Role.ADMIN, Role.KPU, Role.DPML, Role.PANITIA, Role.DISDUKCAPIL})
