"""`pemilih akun`: the accounts of the web application, from the command line.

    pemilih akun buat --peran admin --nama admin1 --nama-lengkap "Admin Kabupaten"
    PEMILIH_KATA_SANDI=... pemilih akun buat --peran panitia --nama panitia1 --desa 73.26.01.2001
    pemilih akun daftar
    pemilih akun nonaktifkan panitia1
    pemilih akun aktifkan panitia1
    pemilih akun reset panitia1            # a temporary password, to be changed at the next login
    pemilih akun reset-2fa kpu1            # the second factor removed (a lost phone)
    pemilih akun buka-kunci kpu1           # the lock after too many failed logins lifted

`buat` makes the first administrator of a new workspace. The password is asked twice (not
shown), or read from PEMILIH_KATA_SANDI for scripts; the web's password rules judge it. Each
change is recorded (who: the system user, when). The rules are the store's
(pemilih.store.accounts), the same the web's administrator page uses.
"""
from __future__ import annotations

import argparse
import getpass
import os
import sys

from pemilih.commands import common

PASSWORD_ENV = "PEMILIH_KATA_SANDI"


def register(sub):
    from pemilih.domain.roles import ROLE_CODES
    p = sub.add_parser("akun", help="akun aplikasi web: buat, daftar, nonaktifkan, aktifkan, reset",
                       description="Akun aplikasi web. 'buat --peran PERAN --nama NAMA [--nama-lengkap N] "
                                   "[--desa KODE]' membuat akun (juga administrator pertama ruang kerja baru); "
                                   "kata sandi ditanyakan dua kali, atau dibaca dari "
                                   f"{PASSWORD_ENV} untuk skrip, dan harus lolos aturan kata sandi (minimal 12 "
                                   "karakter, bukan sandi umum, tidak hanya angka, tidak mirip nama). Setiap "
                                   "perubahan dicatat (oleh siapa, kapan).")
    shared = argparse.ArgumentParser(add_help=False)
    common.add_workspace(shared)
    shared.add_argument("--oleh", default=None, help="nama petugas yang dicatat (bawaan: pengguna sistem)")
    actions = p.add_subparsers(dest="aksi", metavar="AKSI", required=True)
    make = actions.add_parser("buat", help="buat akun baru", parents=[shared])
    make.add_argument("--peran", required=True, choices=ROLE_CODES, help="peran akun")
    make.add_argument("--nama", required=True, help="nama pengguna (untuk masuk)")
    make.add_argument("--nama-lengkap", default="", help="nama lengkap pemilik akun")
    make.add_argument("--desa", default="", metavar="KODE", help="kode desa (wajib, dan hanya, untuk panitia)")
    actions.add_parser("daftar", help="daftar akun dengan peran dan statusnya", parents=[shared])
    for name, text in (("nonaktifkan", "nonaktifkan akun (tidak dapat masuk lagi)"),
                       ("aktifkan", "aktifkan kembali akun"),
                       ("reset", "kata sandi sementara yang wajib diganti saat masuk berikutnya"),
                       ("reset-2fa", "hapus faktor kedua (misalnya ponsel hilang)"),
                       ("buka-kunci", "buka kunci setelah terlalu banyak percobaan masuk gagal")):
        a = actions.add_parser(name, help=text, parents=[shared])
        a.add_argument("nama", help="nama pengguna")
    p.set_defaults(func=common.guarded(run))
    return p


def run(args) -> int:
    common.workspace(args)
    from pemilih.store import accounts
    actor = f"{args.oleh or getpass.getuser()} (baris perintah)"
    if args.aksi == "buat":
        password = _password()
        if password is None:
            return 1
        accounts.create(args.nama, password, args.peran, full_name=args.nama_lengkap, kode_desa=args.desa,
                        actor=actor)
        print(f"Akun {args.nama} ({args.peran}) dibuat.")
    elif args.aksi == "daftar":
        _print_list(accounts.listing())
    elif args.aksi == "nonaktifkan":
        accounts.set_active(args.nama, False, actor=actor)
        print(f"Akun {args.nama} dinonaktifkan.")
    elif args.aksi == "aktifkan":
        accounts.set_active(args.nama, True, actor=actor)
        print(f"Akun {args.nama} diaktifkan.")
    elif args.aksi == "reset":
        temporary = accounts.reset_password(args.nama, actor=actor, password=os.environ.get(PASSWORD_ENV) or None)
        print(f"Kata sandi sementara akun {args.nama}: {temporary}")
        print("Pengguna wajib menggantinya saat masuk berikutnya.")
    elif args.aksi == "reset-2fa":
        accounts.reset_totp(args.nama, actor=actor)
        print(f"Faktor kedua akun {args.nama} dihapus; pengguna mendaftarkannya lagi.")
    elif args.aksi == "buka-kunci":
        lifted = accounts.unlock(args.nama, actor=actor)
        print(f"Kunci akun {args.nama} dibuka." if lifted else f"Akun {args.nama} tidak sedang terkunci.")
    return 0


def _password() -> str | None:
    from_env = os.environ.get(PASSWORD_ENV)
    if from_env:
        return from_env
    if not sys.stdin.isatty():
        print(f"Kata sandi tidak diberikan: jalankan di terminal, atau isi {PASSWORD_ENV}.", file=sys.stderr)
        return None
    first = getpass.getpass("Kata sandi: ")
    if getpass.getpass("Ulangi kata sandi: ") != first:
        print("Kedua kata sandi tidak sama; akun tidak dibuat.", file=sys.stderr)
        return None
    return first


def _print_list(rows) -> None:
    if not rows:
        print("Belum ada akun. Buat administrator pertama: pemilih akun buat --peran admin --nama NAMA")
        return
    print(f"{'NAMA PENGGUNA':<20} {'PERAN':<12} {'DESA':<14} {'STATUS':<9} {'SANDI':<12} {'2FA':<4} TERAKHIR MASUK")
    for r in rows:
        last = r.last_login.astimezone().strftime("%d-%m-%Y %H:%M") if r.last_login else "-"
        print(f"{r.username:<20} {r.role:<12} {r.kode_desa or '-':<14} {'aktif' if r.active else 'nonaktif':<9} "
              f"{'wajib ganti' if r.must_change_password else '-':<12} {'ya' if r.second_factor else '-':<4} {last}")
