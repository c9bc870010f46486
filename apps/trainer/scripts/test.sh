#!/usr/bin/env bash
# The trainer's pytest suite in its environment (set up first if needed). Extra arguments go to pytest.
set -euo pipefail
trainer="$(cd "$(dirname "$0")/.." && pwd)"
bash "$trainer/scripts/setup-env.sh"
cd "$trainer"
exec "$trainer/../../.venv/trainer/bin/python" -m pytest -q "$@"
