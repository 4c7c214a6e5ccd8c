import { describe, expect, it } from 'vitest';
import { presetConfig, type ExperimentConfig } from '../config';
import { paramSpecs } from '../model/params';
import {
  initialLayerDensity, isPeriodicEvalStep, keptTokens, mlpHidden, scheduledUpdateFraction, selectorOn, topologyUpdateSteps,
} from '.';
import { baselineOf, baselineRowName, DISTINCT_SWEEP_METHODS, PAPER_ROWS, paperRowConfig, sweepRow, SWEEP_METHODS } from './paper-rows';
import { computeFlops, flopsForConfig } from '../flops';

const tiny = (over: Partial<ExperimentConfig> = {}): ExperimentConfig => ({ ...presetConfig('tiny'), ...over });

describe('config facts', () => {
  it('the selector is on exactly when it drops a patch', () => {
    // tiny: 16×16 images, patch 4 → 16 patches.
    expect(selectorOn(tiny({ tokenKeep: 1 }))).toBe(false);
    expect(selectorOn(tiny({ tokenKeep: 0.99 }))).toBe(false); // round(15.84) = 16: nothing dropped
    expect(keptTokens(tiny({ tokenKeep: 0.99 }))).toBe(16);
    expect(selectorOn(tiny({ tokenKeep: 0.9 }))).toBe(true); // round(14.4) = 14
    expect(keptTokens(tiny({ tokenKeep: 0.9 }))).toBe(14);
    expect(keptTokens(tiny({ tokenKeep: 0.01 }))).toBe(1);
  });

  it('a selector that is off adds no parameters', () => {
    const n = (c: ExperimentConfig): number => paramSpecs(c, selectorOn(c)).length;
    expect(n(tiny({ tokenKeep: 0.99 }))).toBe(n(tiny()));
    expect(n(tiny({ tokenKeep: 0.5 }))).toBe(n(tiny()) + 2); // score weight and bias
  });

  it('mlpHidden truncates as timm does', () => {
    expect(mlpHidden(tiny({ embedDim: 48, mlpRatio: 2 }))).toBe(96);
    expect(mlpHidden(tiny({ embedDim: 10, mlpRatio: 2.55 }))).toBe(25); // int(25.5)
  });

  it('topology updates: every ΔT steps before t_end·T, none for dense', () => {
    const c = tiny({ method: 'svite', steps: 100, updateInterval: 10, updateEnd: 0.8 });
    expect(topologyUpdateSteps(c)).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(topologyUpdateSteps({ ...c, method: 'dense' })).toEqual([]);
    expect(topologyUpdateSteps({ ...c, updateEnd: 1 })).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(scheduledUpdateFraction(c, 0)).toBeCloseTo(c.updateFraction, 12);
    expect(scheduledUpdateFraction(c, 50)).toBeCloseTo(0.005 + (0.5 - 0.005) / 2, 12);
    expect(scheduledUpdateFraction(c, 80)).toBeNaN();
    expect(scheduledUpdateFraction({ ...c, method: 'dense' }, 10)).toBeNaN();
  });

  it('periodic evaluations: every evalEvery steps, not at the last step, none when 0', () => {
    const c = tiny({ steps: 300, evalEvery: 100 });
    const at = Array.from({ length: 300 }, (_, i) => i + 1).filter((s) => isPeriodicEvalStep(c, s));
    expect(at).toEqual([100, 200]);
    expect(isPeriodicEvalStep({ ...c, evalEvery: 0 }, 100)).toBe(false);
  });

  it('initial per-layer densities of every method', () => {
    expect(initialLayerDensity(tiny())).toEqual({});
    // S²ViTE on tiny: 4 heads → round(0.5·4) = 2 kept; 96 neurons → round(0.25·96) = 24 kept.
    const s2 = initialLayerDensity(tiny({ method: 's2vite', attnDensity: 0.5, mlpDensity: 0.25 }));
    expect(s2['blocks.1.attn.qkv.weight']).toBe(0.5);
    expect(s2['blocks.1.attn.proj.weight']).toBe(0.5);
    expect(s2['blocks.1.mlp.fc1.weight']).toBe(0.25);
    expect(s2['blocks.0.mlp.fc2.weight']).toBe(0.25);
    expect(Object.keys(s2)).toHaveLength(8);
    // SViTE uniform: every sparse layer at round(d·N)/N.
    const u = initialLayerDensity(tiny({ method: 'svite', distribution: 'uniform', density: 0.3 }));
    expect(u['blocks.0.attn.qkv.weight']).toBe(Math.round(0.3 * 48 * 144) / (48 * 144));
    expect(u['head.weight']).toBe(Math.round(0.3 * 480) / 480);
  });

  it('each baseline row is its method at the same budget: no topology update, or fixed tokens', () => {
    const row = (m: keyof typeof SWEEP_METHODS): ExperimentConfig => paperRowConfig(tiny(), sweepRow(m).over, 0);
    const [s2, frozen] = [row('s2vite'), row('s2vite-frozen')];
    expect(topologyUpdateSteps(s2).length).toBeGreaterThan(0);
    expect(topologyUpdateSteps(frozen)).toEqual([]);
    expect(flopsForConfig(frozen).theoretical).toBe(flopsForConfig(s2).theoretical);
    const [plus, centre, none] = [row('svite+'), row('svite+-centre'), row('svite+-none')];
    expect(keptTokens(centre)).toBe(keptTokens(plus));
    expect(centre.tokenSelector).toBe('centre');
    expect(selectorOn(none)).toBe(false);
    expect(none.density).toBe(plus.density);
    // The fixed crop scores nothing: fewer FLOPs than the learned selector at the same keep ratio.
    expect(computeFlops(centre, { keptTokens: keptTokens(centre) }).theoretical).toBeLessThan(computeFlops(plus, { keptTokens: keptTokens(plus) }).theoretical);
    // A base with the fixed crop does not leak it into the rows that learn their tokens.
    expect(paperRowConfig(tiny({ tokenSelector: 'centre' }), sweepRow('svite+').over, 0).tokenSelector).toBe('learned');
    expect(DISTINCT_SWEEP_METHODS).not.toContain('svite+-none');
    expect(DISTINCT_SWEEP_METHODS).toContain('s2vite-frozen');
  });

  it('every row whose method has a baseline has that baseline as a row, found by name', () => {
    let pairs = 0;
    for (const [, name, over] of PAPER_ROWS) {
      const c = paperRowConfig(tiny(), over, 0);
      const b = baselineOf(c);
      const bName = baselineRowName(name);
      if (!b) expect(bName).toBeUndefined();
      if (!b || !bName) continue;
      pairs++;
      const bRow = PAPER_ROWS.find(([, n]) => n === bName);
      expect(paperRowConfig(tiny(), bRow![2], 0)).toEqual({ ...c, ...b.over });
      expect(baselineOf({ ...c, ...b.over })).toBeNull(); // a baseline is not judged against another
    }
    expect(pairs).toBe(3);
    // The sweep's S²ViTE and SViTE+ always run beside their baselines.
    expect(baselineRowName(sweepRow('s2vite').name)).toBe(sweepRow('s2vite-frozen').name);
    expect(baselineRowName(sweepRow('svite+').name)).toBe(sweepRow('svite+-centre').name);
    expect(baselineOf(tiny({ method: 'svite', tokenKeep: 0.99 }))).toBeNull(); // the selector is off: nothing to beat
    expect(baselineOf(tiny({ method: 's2vite', updateEnd: 0 }))).toBeNull();
    expect(baselineOf(tiny({ method: 's2vite' }))?.name).toBe('frozen topology');
  });
});
