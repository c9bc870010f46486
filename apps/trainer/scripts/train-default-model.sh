#!/usr/bin/env bash
# Reproduces the committed default model: simulate the dataset (the fleet simulator's driving, see
# default-model.env), train on CPU with a fixed seed, evaluate it, and only then replace
# apps/trainer/default-model/ (ONNX, metrics.json, manifest.json, model-io.json, evaluation.txt) as a whole.
# An optional first argument names another output folder (a candidate to compare before replacing the default).
set -euo pipefail
trainer="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck disable=SC1091
. "$trainer/scripts/default-model.env"
manifest="$(bash "$trainer/scripts/sim-dataset.sh")"
out="${1:-$trainer/default-model}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# shellcheck disable=SC2086
bash "$trainer/scripts/run.sh" train --manifest "$manifest" --out "$work/model" $TRAIN_ARGS
bash "$trainer/scripts/run.sh" eval --manifest "$manifest" --model "$work/model" > "$work/model/evaluation.txt"
mkdir -p "$out"
find "$out" -maxdepth 1 -type f -delete
cp "$work/model/"* "$out/"
cat "$out/evaluation.txt"
