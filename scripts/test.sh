#!/usr/bin/env bash
# The whole test suite, as README's Quick start runs it: starts the real services it needs
# (PostgreSQL, Kafka, S3) on loopback, then typechecks, lints, builds and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "services (PostgreSQL, Kafka, S3) on 127.0.0.1"
bash infra/local/services.sh up
set -a
# shellcheck disable=SC1091
. ./.env.services
set +a

step "typecheck"
npx tsc -p tsconfig.json --noEmit

step "lint (zero warnings)"
npx eslint --max-warnings 0 .

step "build"
npm run build --silent

step "tests (unit, contract, integration, end-to-end)"
mkdir -p test-artifacts
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=test-artifacts/vitest.json "$@" || status=$?
# One plain closing line that people and CI can read: "N passed, N failed".
node -e '
  const r = require("./test-artifacts/vitest.json");
  console.log(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
' || true
exit "$status"
