#!/usr/bin/env bash
# Prints the path of the default model's simulated dataset manifest, generating it into the cache when absent
# (keyed by the simulator's source and its arguments, so a changed simulator makes a new dataset).
set -euo pipefail
trainer="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck disable=SC1091
. "$trainer/scripts/default-model.env"
key="$( (cat "$trainer/surprisal_trainer/synth.py"; echo "$SYNTH_ARGS") | sha256sum | cut -c1-16)"
data="${SURPRISAL_CACHE:-$HOME/.cache/surprisal}/sim-dataset-$key"
if [[ ! -f "$data/manifest.json" ]]; then
  rm -rf "$data"
  # shellcheck disable=SC2086
  bash "$trainer/scripts/run.sh" synth --out "$data" $SYNTH_ARGS >&2
fi
echo "$data/manifest.json"
