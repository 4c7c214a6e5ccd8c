// BENCHMARKS.md is generated: it must be exactly what the stored results render to, so a renderer
// change shows up in the page (and a hand edit of the page is caught).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../node-datasets';
import { renderBenchmarks } from './render';
import { loadResults } from './results';

describe('BENCHMARKS.md', () => {
  it('is the rendering of bench/results/*.json, every section included', () => {
    const results = loadResults();
    const page = renderBenchmarks(results);
    for (const r of results) expect(page).toContain(`## ${r.title}`);
    expect(page).toBe(readFileSync(path.join(repoRoot(), 'BENCHMARKS.md'), 'utf8'));
  });
});
