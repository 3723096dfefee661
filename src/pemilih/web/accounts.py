"""Accounts: create one with its role and village; the demo's accounts, one per role."""
from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from pemilih.web.models import Account
from pemilih.web.roles import Role


class AccountError(ValueError):
    pass


def create(username: str, password: str, role: str, *, full_name: str = "", kode_desa: str = "") -> Account:
    if role not in Role.values:
        raise AccountError(f"Peran '{role}' tidak dikenal; pilih: " + ", ".join(Role.values))
    if role == Role.PANITIA and not kode_desa:
        raise AccountError("Akun panitia harus menyebut kode desanya")
    if role != Role.PANITIA and kode_desa:
        raise AccountError("Hanya akun panitia yang dibatasi pada satu desa")
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise AccountError(f"Nama pengguna '{username}' sudah dipakai")
    first, _, last = full_name.partition(" ")
    with transaction.atomic():
        user = User.objects.create_user(username, password=password, first_name=first, last_name=last)
        return Account.objects.create(user=user, role=role, kode_desa=kode_desa)


DEMO = [  # (username, role, full name)
    ("admin", Role.ADMIN, "Administrator Sistem"),
    ("kpu", Role.KPU, "Operator KPU"),
    ("dpml", Role.DPML, "Operator DPML"),
    ("panitia", Role.PANITIA, "Panitia Lembang"),
    ("disdukcapil", Role.DISDUKCAPIL, "Verifikator Disdukcapil"),
    ("pemantau", Role.VIEWER, "Peserta Rakor"),
]


def demo_accounts(folder: Path, panitia_village: str) -> list[dict]:
    """One account per role, made once; passwords are random and kept (owner-only) in the
    workspace, so every run prints the same ones."""
    saved_path = Path(folder) / "akun-demo.json"
    saved = json.loads(saved_path.read_text()) if saved_path.exists() else {}
    User = get_user_model()
    out = []
    for username, role, name in DEMO:
        password = saved.get(username) or secrets.token_urlsafe(9)
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
