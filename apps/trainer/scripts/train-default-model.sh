#!/usr/bin/env bash
# Reproduces the committed default model: simulate the dataset, train on CPU with a fixed seed, export to
# apps/trainer/default-model/ (ONNX, metrics.json, manifest.json, model-io.json), then evaluate it.
set -euo pipefail
trainer="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck disable=SC1091
. "$trainer/scripts/default-model.env"
manifest="$(bash "$trainer/scripts/sim-dataset.sh")"
out="$trainer/default-model"
# shellcheck disable=SC2086
bash "$trainer/scripts/run.sh" train --manifest "$manifest" --out "$out" $TRAIN_ARGS
bash "$trainer/scripts/run.sh" eval --manifest "$manifest" --model "$out" | tee "$out/evaluation.txt"
