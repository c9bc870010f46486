#!/usr/bin/env bash
# npm run eval:predictor: a model (default: the committed default model) on the held-out drives of a
# manifest (default: the simulated dataset the default model was trained on). Ends with one JSON line.
#   eval-predictor.sh [MODEL_DIR] [MANIFEST]
set -euo pipefail
trainer="$(cd "$(dirname "$0")/.." && pwd)"
model="$(realpath "${1:-$trainer/default-model}")"
manifest="$(realpath "${2:-$(bash "$trainer/scripts/sim-dataset.sh")}")"
exec bash "$trainer/scripts/run.sh" eval --manifest "$manifest" --model "$model"
