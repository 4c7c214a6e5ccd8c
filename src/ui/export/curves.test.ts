import { describe, expect, it } from 'vitest';
import { presetConfig } from '../../engine/config';
import { RunData } from '../frames/run-data';
import { curvesCsv, curvesJson } from './curves';

/** A run of `steps` steps: frames every 3 steps, an evaluation at step 4 and at the end. */
function run(steps: number): RunData {
  const d = new RunData();
  for (let first = 1; first <= steps; first += 3) {
    const n = Math.min(3, steps - first + 1);
    const losses = Array.from({ length: n }, (_, i) => 2 / (first + i));
    d.perFrame.push(first + n - 1, 0.5, NaN, 100, 150, 200, NaN);
    for (let i = 0; i < n; i++) d.scalars.push(first + i, losses[i], losses[i], 1e-3, NaN);
  }
  d.evals.push(4, 0.25, 1.5);
  d.evals.push(steps, 0.75, 0.5);
  return d;
}

describe('curves export', () => {
  it('CSV: a header, then exactly one row per step, in order, with eval and frame values on their steps only', () => {
    const lines = curvesCsv(run(10)).trimEnd().split('\n');
    expect(lines[0]).toBe('step,loss,lr,tau,test_accuracy,test_loss,density,fired_density,theoretical_flops,executed_flops,dense_flops');
    expect(lines.slice(1).map((l) => Number(l.split(',')[0]))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(lines[1]).toBe('1,2,0.001,,,,,,,,');
    expect(lines[3]).toBe('3,0.6666666666666666,0.001,,,,0.5,,100,150,200');
    expect(lines[4]).toBe('4,0.5,0.001,,0.25,1.5,,,,,');
    expect(lines[10]).toBe('10,0.2,0.001,,0.75,0.5,0.5,,100,150,200');
  });

  it('JSON: every series by name, NaN as null, with the config', () => {
    const config = presetConfig('tiny');
    const j = JSON.parse(curvesJson(run(4), config));
    expect(j.config).toEqual(config);
    expect(j.steps.step).toEqual([1, 2, 3, 4]);
    expect(j.steps.tau).toEqual([null, null, null, null]);
    expect(j.evals).toEqual({ step: [4, 4], test_accuracy: [0.25, 0.75], test_loss: [1.5, 0.5] });
    expect(j.frames.step).toEqual([3, 4]);
    expect(j.frames.executed_flops).toEqual([150, 150]);
  });
});
