#!/usr/bin/env node
// Runs a TypeScript entry of the project in Node. tfjs-core's ESM build uses directory imports
// that plain Node ESM (and so tsx) refuses, so the entry is bundled by esbuild first (~0.3 s),
// into .cache/cli/ (two levels deep, so `import.meta.url`-relative paths still reach the root).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run-ts.mjs <entry.ts> [args...]');
  process.exit(2);
}
const outfile = path.join(root, '.cache', 'cli', `${path.basename(entry, '.ts')}.mjs`);
// Several processes build the same entry at once (bench --check's shards): each writes its own
// file and renames it into place, so none runs a bundle another is halfway through writing (an
// empty one ran as a module that does nothing and exits 0).
const partial = `${outfile}.${process.pid}.partial`;
await build({
  entryPoints: [path.resolve(root, entry)],
  outfile: partial,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Prefer every package's ESM build so exactly one copy of tfjs-core is bundled.
  mainFields: ['module', 'main'],
  sourcemap: 'inline',
  logLevel: 'error',
  // ESM output has no require/__dirname; Emscripten's loader (tfjs WASM) needs both.
  banner: { js: "import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url'; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __filename.slice(0, __filename.lastIndexOf('/'));" },
});
fs.renameSync(partial, outfile);
// Ctrl-C reaches the child as well (same process group): it finishes its step and writes what it
// has, so wait for it instead of dying first.
process.on('SIGINT', () => {});
const r = spawnSync(process.execPath, ['--enable-source-maps', outfile, ...args], { stdio: 'inherit', cwd: process.cwd() });
process.exit(r.status ?? (r.signal === 'SIGINT' ? 130 : 1));
