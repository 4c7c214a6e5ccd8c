// scripts/run-ts.mjs bundles an entry before running it; bench --check starts one process per core
// on the same entry at once. Each must run a whole bundle: one that ran a file another process was
// still writing exited 0 having done nothing, and half the check went unreported.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './node-datasets';

const run = promisify(execFile);

describe('run-ts', () => {
  it('runs the whole entry in every one of several processes started together', async () => {
    const dir = path.join(repoRoot(), '.cache', 'run-ts-test');
    fs.mkdirSync(dir, { recursive: true });
    const entry = path.join(dir, 'concurrent-entry.ts');
    // tfjs makes the bundle megabytes long, so writing it takes long enough for the others to start.
    fs.writeFileSync(entry, "import * as tf from '@tensorflow/tfjs-core';\nconsole.log(`ran ${typeof tf.tensor}`);\n");
    // Starts spread over a build's length, so some process runs while another writes.
    const starts = Array.from({ length: 8 }, (_, i) =>
      new Promise((r) => setTimeout(r, i * 60)).then(() => run(process.execPath, [path.join(repoRoot(), 'scripts', 'run-ts.mjs'), entry], { cwd: repoRoot() })),
    );
    const outs = await Promise.all(starts);
    expect(outs.map((o) => o.stdout.trim())).toEqual(Array(8).fill('ran function'));
    expect(fs.readdirSync(path.join(repoRoot(), '.cache', 'cli')).filter((f) => f.includes('concurrent-entry'))).toEqual(['concurrent-entry.mjs']);
  }, 120_000);
});
