#!/usr/bin/env bash
# Prints the path of the default model's dataset manifest: the fleet simulator's driving (`surprisal sim
# --to dir` with SIM_ARGS of default-model.env), generated into the cache when absent. The cache key covers the
# simulator's source and its arguments, so a changed simulator makes a new dataset.
set -euo pipefail
trainer="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$trainer/../.." && pwd)"
# shellcheck disable=SC1091
. "$trainer/scripts/default-model.env"
key="$( (cd "$root" && find apps/fleet-sim/src libs/columnar/src libs/contracts/src apps/cli/src/commands/sim.command.ts \
  -type f -name '*.ts' -not -path '*/__tests__/*' | LC_ALL=C sort | xargs cat; echo "$SIM_ARGS") | sha256sum | cut -c1-16)"
data="${SURPRISAL_CACHE:-$HOME/.cache/surprisal}/fleet-sim-dataset-$key"
if [[ ! -f "$data/manifest.json" ]]; then
  rm -rf "$data" "$data.tmp" "$data.truth.jsonl"
  mkdir -p "$(dirname "$data")"
  (cd "$root" && npm run build --silent) >&2
  # shellcheck disable=SC2086
  (cd "$root" && node bin/surprisal.js sim --to dir --out "$data.tmp" --truth "$data.truth.jsonl" $SIM_ARGS) >&2
  mv "$data.tmp" "$data"
fi
echo "$data/manifest.json"
