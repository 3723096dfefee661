"""`pemilih train-linkage`: train the probabilistic linkage model on a list and a registry.

    pemilih train-linkage --list DPT.csv --registry disdukcapil.csv --out model.json

Training takes a minute or so; `pemilih verify` then uses the file with --model. The model
shipped with pemilih was trained this way on generated data (see engine/data/README.md).
"""
from __future__ import annotations

import sys
import time

from pemilih.commands import common
from pemilih.domain.masking import mask_digits_in_text


def register(sub):
    from pemilih.cycle import train
    p = sub.add_parser(
        "train-linkage", help="latih ulang model pencocokan probabilistik",
        description="Melatih model Fellegi-Sunter (Splink) untuk pencocokan daftar pemilih dengan "
                    "data Disdukcapil, lalu menyimpannya sebagai berkas JSON untuk `pemilih verify --model`.")
    p.add_argument("--list", nargs="+", required=True, metavar="BERKAS", dest="lists", help="daftar pemilih KPU")
    p.add_argument("--registry", nargs="+", required=True, metavar="BERKAS", help="ekstrak Disdukcapil")
    p.add_argument("--out", required=True, metavar="BERKAS", help="berkas model (.json) yang ditulis")
    p.add_argument("--seed", type=int, default=train.DEFAULT_SEED,
                   help=f"benih pengambilan sampel acak (bawaan {train.DEFAULT_SEED})")
    p.add_argument("--pasangan-acak", type=float, default=train.DEFAULT_U_PAIRS, dest="u_pairs",
                   help=f"jumlah pasangan acak untuk probabilitas u (bawaan {train.DEFAULT_U_PAIRS:.0e})")
    p.set_defaults(func=run)
    return p


def run(args) -> int:
    from pemilih.cycle import train
    from pemilih.cycle.common import StepError
    started = time.perf_counter()
    try:
        request = train.TrainRequest(tuple(args.lists), tuple(args.registry), args.out, args.seed, args.u_pairs)
        with common.progress() as shown:
            model = train.run(request, shown)
    except StepError as exc:
        print(mask_digits_in_text(exc), file=sys.stderr)
        return 2
    except Exception as exc:  # the boundary: a user never sees a traceback
        print(f"Gagal melatih model ({type(exc).__name__}): {mask_digits_in_text(exc)}", file=sys.stderr)
        return 2
    prior = model["probability_two_random_records_match"]
    print(f"Model ditulis ke {args.out} ({len(model['comparisons'])} perbandingan, "
          f"peluang awal {prior:.2e}), {time.perf_counter() - started:.0f} detik.")
    return 0
