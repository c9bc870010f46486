#!/usr/bin/env bash
# Runs `python -m surprisal_trainer "$@"` in the trainer's environment (set up first if needed).
set -euo pipefail
trainer="$(cd "$(dirname "$0")/.." && pwd)"
bash "$trainer/scripts/setup-env.sh" 2>/dev/null || bash "$trainer/scripts/setup-env.sh"
cd "$trainer"
exec "$trainer/../../.venv/trainer/bin/python" -m surprisal_trainer "$@"
