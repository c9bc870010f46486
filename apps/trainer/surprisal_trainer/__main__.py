"""`python -m surprisal_trainer train|eval|synth|health` (run from apps/trainer, or through scripts/run.sh)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import __version__


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="surprisal_trainer", description="Surprisal's training job")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("health", help="print one JSON line: version and what is installed")

    t = sub.add_parser("train", help="train every model on a dataset manifest and export ONNX")
    t.add_argument("--manifest", required=True, type=Path)
    t.add_argument("--out", required=True, type=Path, help="the model artifact folder")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--epochs", type=int, help="predictor epochs (encoder and latent scale with it)")
    t.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")

    e = sub.add_parser("eval", help="held-out evaluation against baselines; ends with a JSON line")
    e.add_argument("--manifest", required=True, type=Path)
    e.add_argument("--model", required=True, type=Path)

    s = sub.add_parser("synth", help="write a small simulated dataset and its manifest")
    s.add_argument("--out", required=True, type=Path)
    s.add_argument("--drives", type=int, default=12)
    s.add_argument("--seconds", type=float, default=60.0)
    s.add_argument("--seed", type=int, default=0)
    return p


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv or ["health"])
    if args.command == "health":
        import onnxruntime
        import torch

        print(json.dumps({"app": "trainer", "version": __version__, "status": "ok", "torch": torch.__version__,
                          "cuda": torch.cuda.is_available(), "onnxruntime": onnxruntime.__version__}))
        return 0

    from .manifest import ManifestError

    try:
        if args.command == "train":
            from .train import TrainConfig, run_training

            cfg = TrainConfig(seed=args.seed, device=args.device)
            if args.epochs is not None:
                cfg = TrainConfig(seed=args.seed, device=args.device, predictor_epochs=args.epochs,
                                  encoder_epochs=max(1, args.epochs // 3), latent_epochs=max(1, (3 * args.epochs) // 8))
            run_training(args.manifest, args.out, cfg)
        elif args.command == "eval":
            from .evaluate import evaluate, format_table

            results = evaluate(args.manifest, args.model)
            print(format_table(results))
            print(json.dumps(results, separators=(",", ":")))
        elif args.command == "synth":
            from .synth import SynthConfig, generate

            path = generate(args.out, SynthConfig(drives=args.drives, seconds=args.seconds, seed=args.seed))
            print(json.dumps({"event": "synth", "manifest": str(path)}))
    except ManifestError as e:
        print(json.dumps({"event": "error", "code": "invalid_manifest", "problems": e.problems}))
        print(str(e), file=sys.stderr)
        return 65
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
