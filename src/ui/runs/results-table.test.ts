import { describe, expect, it } from 'vitest';
import { presetConfig, type ExperimentConfig } from '../../engine/config';
import { encodeConfig } from '../../engine/config-url';
import { paperRowConfig, sweepRow } from '../../engine/facts/paper-rows';
import type { RunRecord, SweepRecord } from './db';
import { baselineGap, sweepTable } from './results-table';

const tiny = presetConfig('tiny');
let next = 0;
const run = (config: ExperimentConfig, accuracy: number | null, status: RunRecord['status'] = 'finished'): RunRecord =>
  ({ id: `r${next++}`, status, config, link: encodeConfig(config), accuracy, flops: null } as unknown as RunRecord);

describe('the numbers beside S²ViTE and SViTE+', () => {
  it("the Paper table gives each method its gap to its baseline row, once both have finished runs", () => {
    const s2 = sweepRow('s2vite'), frozen = sweepRow('s2vite-frozen'), dense = sweepRow('dense');
    const runs = [
      run(paperRowConfig(tiny, s2.over, 0), 0.86), run(paperRowConfig(tiny, s2.over, 1), 0.9),
      run(paperRowConfig(tiny, frozen.over, 0), 0.82), run(paperRowConfig(tiny, frozen.over, 1), 0.8, 'failed'),
      run(paperRowConfig(tiny, dense.over, 0), 0.92),
    ];
    const sweep: SweepRecord = {
      id: 's', name: 'sweep', createdAt: 0, status: 'queued', links: runs.map((r) => r.link),
      labels: [s2.name, s2.name, frozen.name, frozen.name, dense.name], runIds: runs.map((r) => r.id),
    };
    const rows = sweepTable(sweep, runs);
    const byName = (n: string) => rows.find((r) => r.label === n)!;
    expect(byName(s2.name).baseline).toBe(frozen.name);
    expect(byName(s2.name).gap).toBeCloseTo(0.88 - 0.82, 12); // the failed frozen run does not count
    expect(byName(frozen.name).baseline).toBeUndefined();
    expect(byName(dense.name).baseline).toBeUndefined();
    expect(byName(dense.name).gap).toBeNaN();
    // Before the baseline has a finished run there is no gap to show.
    expect(sweepTable({ ...sweep, runIds: [runs[0].id, null, null, null, null] }, runs)[0].gap).toBeNaN();
  });

  it("a panel's gap takes every finished run of the experiment and of its baseline, on any seed, and nothing else", () => {
    const plus: ExperimentConfig = { ...tiny, method: 'svite', density: 0.5, tokenKeep: 0.7 };
    const centre: ExperimentConfig = { ...plus, tokenSelector: 'centre' };
    const runs = [
      run({ ...plus, seed: 3 }, 0.8), run({ ...plus, seed: 4 }, 0.9),
      run({ ...centre, seed: 3 }, 0.89), run({ ...centre, seed: 9, steps: plus.steps + 1 }, 0.1), // another experiment
      run({ ...plus, seed: 5 }, null, 'running'),
    ];
    const g = baselineGap({ ...plus, seed: 7 }, runs)!;
    expect(g.baseline.name).toBe('fixed centre tokens');
    expect(g.method).toEqual([0.8, 0.9]);
    expect(g.base).toEqual([0.89]);
    expect(g.gap).toBeCloseTo(0.85 - 0.89, 12);
    expect(encodeConfig(g.baselineConfig)).toBe(encodeConfig({ ...centre, seed: 7 }));
    expect(baselineGap({ ...plus, tokenKeep: 1 }, runs)).toBeNull(); // SViTE: no baseline to beat
    expect(baselineGap({ ...tiny, method: 's2vite' }, runs)!.gap).toBeNaN(); // no runs yet
    // Viewed from the baseline, the same gap, against the method whose baseline it is.
    const fromCentre = baselineGap({ ...centre, seed: 1 }, runs)!;
    expect(fromCentre.gap).toBeCloseTo(g.gap, 12);
    expect(encodeConfig(fromCentre.methodConfig)).toBe(encodeConfig({ ...plus, seed: 1 }));
    expect(baselineGap({ ...tiny, method: 's2vite', updateEnd: 0 }, runs)).toBeNull(); // a frozen topology no S²ViTE run stands behind
  });
});
