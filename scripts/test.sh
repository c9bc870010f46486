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

step "trainer (Python): environment and pytest"
bash apps/trainer/scripts/test.sh

step "build"
npm run build --silent

step "tests (unit, contract, integration, end-to-end)"
rm -f test-artifacts/vitest*.json
mkdir -p test-artifacts
status=0
npx vitest run --exclude '**/*.disruptive.*' --reporter=default --reporter=json --outputFile.json=test-artifacts/vitest.json "$@" || status=$?

if [ "$#" -eq 0 ]; then
  # Tests that restart a shared server (PostgreSQL) run alone, after the others, so nothing else sees the outage.
  step "disruptive tests (restart shared services), one at a time"
  npx vitest run disruptive --no-file-parallelism --reporter=default --reporter=json --outputFile.json=test-artifacts/vitest-disruptive.json || status=$?
fi

# One plain closing line that people and CI can read: "N passed, N failed".
node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, suites = 0;
  for (const f of ["test-artifacts/vitest.json", "test-artifacts/vitest-disruptive.json"]) {
    if (!fs.existsSync(f)) continue;
    const r = JSON.parse(fs.readFileSync(f, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests; suites += r.testResults.filter((t) => t.status === "failed").length;
  }
  // A suite whose setup fails counts no failed test (its tests show as skipped): name it too.
  console.log(`vitest: ${passed} passed, ${failed} failed${suites ? `, ${suites} test files failed` : ""}`);
' || true
exit "$status"
