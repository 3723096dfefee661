"""`pemilih train-linkage`: train the probabilistic linkage model on a list and a registry.

    pemilih train-linkage --list DPT.csv --registry disdukcapil.csv --out model.json

Training takes a minute or so; `pemilih verify` then uses the file with --model. The model
shipped with pemilih was trained this way on generated data (see engine/data/README.md).
"""
from __future__ import annotations

import sys
import time

from pemilih.domain.masking import mask_digits_in_text


def register(sub):
    p = sub.add_parser(
        "train-linkage", help="latih ulang model pencocokan probabilistik",
        description="Melatih model Fellegi-Sunter (Splink) untuk pencocokan daftar pemilih dengan "
                    "data Disdukcapil, lalu menyimpannya sebagai berkas JSON untuk `pemilih verify --model`.")
    p.add_argument("--list", nargs="+", required=True, metavar="BERKAS", dest="lists", help="daftar pemilih KPU")
    p.add_argument("--registry", nargs="+", required=True, metavar="BERKAS", help="ekstrak Disdukcapil")
    p.add_argument("--out", required=True, metavar="BERKAS", help="berkas model (.json) yang ditulis")
    p.add_argument("--seed", type=int, default=7326, help="benih pengambilan sampel acak (bawaan 7326)")
    p.add_argument("--pasangan-acak", type=float, default=5e6, dest="u_pairs",
                   help="jumlah pasangan acak untuk probabilitas u (bawaan 5e6)")
    p.set_defaults(func=run)
    return p


def run(args) -> int:
    started = time.perf_counter()
    try:
        from pemilih.io.read import read_files
        lists = read_files(args.lists, kind="kpu")
        registry = read_files(args.registry, kind="registry")
    except Exception as exc:  # the boundary: a user never sees a traceback
        print(f"Gagal membaca masukan: {mask_digits_in_text(exc)}", file=sys.stderr)
        return 2
    if lists.records.height == 0 or registry.records.height == 0:
        print("Tidak ada data untuk melatih model (daftar atau data Disdukcapil kosong).", file=sys.stderr)
        return 2
    from pemilih.engine.link_train import train
    try:
        model = train(lists.records, registry.records, args.out, seed=args.seed, u_pairs=args.u_pairs)
    except OSError as exc:
        print(f"Gagal menulis model: {exc}", file=sys.stderr)
        return 2
    prior = model["probability_two_random_records_match"]
    print(f"Model ditulis ke {args.out} ({len(model['comparisons'])} perbandingan, "
          f"peluang awal {prior:.2e}), {time.perf_counter() - started:.0f} detik.")
    return 0
