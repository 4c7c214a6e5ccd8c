// The TypeScript and Python link decoders read every link of the committed corpus alike: the same
// config, the same ignored list (key, value, reason) and the same UI extras. The expected results
// are the TypeScript decoder's, computed here, so a change to its notices flows through.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeConfig } from '../../engine/config-url';
import { repoRoot } from '../node-datasets';

const PYTHON_DIR = path.join(repoRoot(), 'python');
const hasPython = spawnSync('python3', ['--version']).status === 0;

describe('link corpus: TypeScript and Python decode alike', () => {
  it.skipIf(!hasPython)('every corpus link gives the same config, ignored list and extras (python3 -m sparse_vit.link)', () => {
    const { links } = JSON.parse(readFileSync(path.join(PYTHON_DIR, 'tests', 'link_corpus.json'), 'utf8')) as { links: string[] };
    expect(links.length).toBeGreaterThan(500);
    const run = spawnSync('python3', ['-m', 'sparse_vit.link'], { cwd: PYTHON_DIR, input: JSON.stringify(links), encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
    expect(run.stderr).toBe('');
    const python = JSON.parse(run.stdout) as unknown[];
    expect(python).toHaveLength(links.length);
    // Through JSON on both sides, so -0 and 0 (which JSON writes alike) compare equal.
    const mismatches = links.flatMap((link, i) => {
      const ts = JSON.stringify(decodeConfig(link)), py = JSON.stringify(python[i]);
      return ts === py ? [] : [{ link, ts: JSON.parse(ts) as unknown, py: python[i] }];
    });
    expect(mismatches.slice(0, 3)).toEqual([]);
  });
});
