"""Accounts: create one with its role and village; the demo's accounts, one per role."""
from __future__ import annotations

import json
import os
from pathlib import Path

from django.contrib.auth import get_user_model

from pemilih.store import accounts as store_accounts
from pemilih.web.models import Account
from pemilih.web.roles import Role

AccountError = store_accounts.AccountError


def create(username: str, password: str, role: str, *, full_name: str = "", kode_desa: str = "",
           actor: str = "") -> Account:
    """A new account (store/accounts.py: the one rule, the command line's too)."""
    return store_accounts.create(username, password, role, full_name=full_name, kode_desa=kode_desa, actor=actor)


DEMO = [  # (username, role, full name)
    ("admin", Role.ADMIN, "Administrator Sistem"),
    ("kpu", Role.KPU, "Operator KPU"),
    ("dpml", Role.DPML, "Operator DPML"),
    ("panitia", Role.PANITIA, "Panitia Lembang"),
    ("disdukcapil", Role.DISDUKCAPIL, "Verifikator Disdukcapil"),
    ("pemantau", Role.VIEWER, "Peserta Rakor"),
]


def demo_accounts(folder: Path, panitia_village: str) -> list[dict]:
    """One account per role, made once; passwords are random (16 characters: they pass the
    password validators) and kept (owner-only) in the workspace, so every run prints the same
    ones. The demo needs no second factor unless PEMILIH_WAJIB_2FA is on."""
    saved_path = Path(folder) / "akun-demo.json"
    saved = json.loads(saved_path.read_text()) if saved_path.exists() else {}
    User = get_user_model()
    out = []
    for username, role, name in DEMO:
        password = saved.get(username) or store_accounts.temporary_password()
        user = User.objects.filter(username=username).first()
        if user is None:
            create(username, password, role, full_name=name,
                   kode_desa=panitia_village if role == Role.PANITIA else "")
        elif username not in saved:
            user.set_password(password)
            user.save(update_fields=["password"])
        saved[username] = password
        village = panitia_village if role == Role.PANITIA else ""
        out.append({"username": username, "password": password, "role": str(Role(role).label), "desa": village})
    saved_path.write_text(json.dumps(saved, indent=1))
    os.chmod(saved_path, 0o600)
    return out
