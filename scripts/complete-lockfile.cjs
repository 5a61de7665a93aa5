#!/usr/bin/env node
/**
 * Adds version-only entries to package-lock.json for optional platform packages that the
 * registry this project installs from does not serve (e.g. `@biomejs/cli-darwin-arm64`).
 * npm 11 leaves them out of the lockfile it writes, then `npm ci` refuses that very lockfile
 * as out of sync (npm/cli#9846). The entries are optional, so no platform installs them
 * unless it needs them. Idempotent; run it after every `npm install`: `npm run lock:complete`.
 */
const fs = require('node:fs');
const path = require('node:path');

const file = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const packages = lock.packages;
const added = [];

for (const [location, entry] of Object.entries(packages)) {
  for (const [name, spec] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = `${location ? `${location}/` : ''}node_modules/${name}`;
    const hoisted = `node_modules/${name}`;
    if (packages[nested] || packages[hoisted]) continue;
    packages[hoisted] = {
      version: spec.replace(/^[\^~=]/, ''),
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
    };
    added.push(`${name}@${spec}`);
  }
}

if (added.length > 0) {
  lock.packages = Object.fromEntries(
    Object.entries(packages).sort(([a], [b]) =>
      a === '' ? -1 : b === '' ? 1 : a.localeCompare(b),
    ),
  );
  fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
}
console.log(
  `package-lock.json: ${added.length} optional entr${added.length === 1 ? 'y' : 'ies'} added`,
);
