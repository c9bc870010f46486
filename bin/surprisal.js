#!/usr/bin/env node
// `npx surprisal <command>`: runs the built CLI, building it first on a fresh checkout.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { execSync } = require('node:child_process');

const root = join(__dirname, '..');
const main = join(root, 'dist/apps/cli/src/main.js');
if (!existsSync(main)) {
  process.stderr.write('surprisal: building the engine first (npm run build)…\n');
  execSync('npm run build --silent', { cwd: root, stdio: 'inherit' });
}
require(main);
