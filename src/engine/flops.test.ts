import { describe, expect, it } from 'vitest';
import { presetConfig, type ExperimentConfig } from './config';
import { computeFlops, flopsForConfig, stateForConfig, toFlops, type FlopsState } from './flops';
import { countParams, paramSpecs, sparseSpecs } from './model/params';
import { layerDensities } from './sparse/erk';

const G = 1e9;
const small = presetConfig('deit-small');
const base = presetConfig('deit-base');
const s2 = (c: ExperimentConfig): ExperimentConfig => ({ ...c, method: 's2vite', attnDensity: 0.7, mlpDensity: 0.6 });

describe('computeFlops: dense', () => {
  it.each([
    ['deit-tiny', 1.254, 5.72],
    ['deit-small', 4.599, 22.05],
    ['deit-base', 17.564, 86.57],
  ] as const)('%s: %f GMACs, %f M params', (preset, gmacs, mparams) => {
    const c = presetConfig(preset);
    const r = computeFlops(c);
    expect(r.unit).toBe('MACs');
    expect(Math.abs(r.dense / G - gmacs)).toBeLessThan(0.002);
    expect(r.theoretical).toBe(r.dense);
    expect(r.executed).toBe(r.dense);
    expect(r.savedTheoretical).toBe(0);
    expect(r.tokens).toBe(197);
    expect(Math.abs(r.params.dense / 1e6 - mparams)).toBeLessThan(0.01);
    expect(r.params.dense).toBe(countParams(paramSpecs(c)));
    expect(r.params.nonzero).toBe(r.params.dense);
    expect(r.params.executed).toBe(r.params.dense);
    expect(r.components.length).toBe(3 + 5 * c.depth);
  });

  it('matches a hand count on the tiny preset (matmuls only)', () => {
    // 16 patches, D=48, patch in 16, N=17, hidden 96, 10 classes.
    const block = 17 * 48 * 144 + 2 * 17 * 17 * 48 + 17 * 48 * 48 + 2 * 17 * 48 * 96;
    expect(computeFlops(presetConfig('tiny')).dense).toBe(16 * 48 * 16 + 2 * block + 48 * 10);
  });

  it('S²ViTE (2 of 4 heads, 48 of 96 neurons) with 8 of 16 tokens on tiny, counted by hand', () => {
    const c: ExperimentConfig = { ...presetConfig('tiny'), method: 's2vite', attnDensity: 0.5, mlpDensity: 0.5, tokenKeep: 0.5 };
    const r = flopsForConfig(c);
    // N = 8 kept + cls = 9 tokens in the blocks (17 in the dense model); live widths a = 2·12, n = 48.
    const qkv = { dense: 17 * 48 * 144, theoretical: 9 * 48 * 72, executed: 9 * 48 * 72 }; // 117504, 31104
    expect(r.byComponent.qkv).toEqual({ dense: 2 * 117504, theoretical: 2 * 31104, executed: 2 * 31104 });
    expect(qkv.theoretical).toBe(31104);
    expect(r.byComponent.attn).toEqual({ dense: 2 * 27744, theoretical: 2 * 3888, executed: 2 * 3888 }); // 2·17·17·48, 2·9·9·24
    expect(r.byComponent.proj).toEqual({ dense: 2 * 39168, theoretical: 2 * 10368, executed: 2 * 10368 }); // 17·48·48, 9·24·48
    expect(r.byComponent.fc1).toEqual({ dense: 2 * 78336, theoretical: 2 * 20736, executed: 2 * 20736 }); // 17·48·96, 9·48·48
    expect(r.byComponent.selector).toEqual({ dense: 0, theoretical: 816, executed: 816 }); // scores all 17 tokens: 17·48
    // 12288 patch embedding + 816 selector + 2 blocks × 86832 + 480 head; dense 694944.
    expect(r.theoretical).toBe(187248);
    expect(r.executed).toBe(187248);
    expect(r.dense).toBe(694944);
    expect(r.savedTheoretical).toBeCloseTo(0.730557, 5);
    expect(r.tokens).toBe(9);
  });

  it('SViTE uniform d=0.5 on tiny, counted by hand: every weight matmul halves in theory, none in execution', () => {
    const r = flopsForConfig({ ...presetConfig('tiny'), method: 'svite', distribution: 'uniform', density: 0.5 });
    // 6144 patch embedding + 2 × (58752 qkv + 27744 attn + 19584 proj + 2 × 39168 MLP) + 240 head.
    expect(r.theoretical).toBe(375216);
    expect(r.executed).toBe(694944);
    expect(r.savedTheoretical).toBeCloseTo(0.460077, 5);
    expect(r.savedExecuted).toBe(0);
  });

  it('reports MACs; FLOPs are twice that', () => {
    expect(toFlops(computeFlops(small).dense) / G).toBeCloseTo(9.198, 2);
  });
});

describe('computeFlops: SViTE (unstructured)', () => {
  it.each([
    [small, 0.5, 46.2],
    [small, 0.3, 64.6],
    [base, 0.5, 48.1],
  ] as const)('%#: saves the paper\'s theoretical share and nothing executed', (c, density, saved) => {
    const r = flopsForConfig({ ...c, method: 'svite', density });
    expect(Math.abs(100 * r.savedTheoretical - saved)).toBeLessThan(0.3);
    expect(r.savedExecuted).toBe(0);
    expect(r.byComponent.attn.theoretical).toBe(r.byComponent.attn.dense); // activations stay dense
    expect(Math.abs(r.params.nonzero / r.params.dense - density)).toBeLessThan(0.01); // dense rest is ~0.3%
    expect(r.params.executed).toBe(r.params.dense);
  });

  it('counts exact nonzero weights for the mask', () => {
    const c: ExperimentConfig = { ...small, method: 'svite', density: 0.5 };
    const r = flopsForConfig(c);
    const specs = paramSpecs(c);
    const sparseTotal = countParams(sparseSpecs(specs));
    const denseRest = countParams(specs) - sparseTotal;
    expect(Math.abs((r.params.nonzero - denseRest) / sparseTotal - 0.5)).toBeLessThan(1e-4);
  });
});

describe('computeFlops: SViTE+ (token selection)', () => {
  it('DeiT-Small d=0.5 keeping 186 patches + cls saves 49.24%', () => {
    const c: ExperimentConfig = { ...small, method: 'svite', density: 0.5, tokenKeep: 0.95 };
    expect(stateForConfig(c).keptTokens).toBe(186);
    const r = flopsForConfig(c);
    expect(r.tokens).toBe(187);
    expect(Math.abs(100 * r.savedTheoretical - 49.24)).toBeLessThan(0.3);
    // Executed gains only from the tokens: a dense block with 187 tokens plus the selector.
    expect(r.savedExecuted).toBeGreaterThan(0.04);
    expect(r.byComponent.selector.executed).toBe(197 * 384);
    expect(r.byComponent.patch_embed.executed).toBe(r.byComponent.patch_embed.dense);
  });

  it('has no selector cost without token selection', () => {
    expect(computeFlops(small).byComponent.selector).toEqual({ dense: 0, theoretical: 0, executed: 0 });
  });
});

describe('computeFlops: S²ViTE (heads and neurons)', () => {
  const state = (proj: 'ours' | 'paper'): FlopsState => ({
    headsPerBlock: Array(12).fill(4), neuronsPerBlock: Array(12).fill(922), projConvention: proj,
  });

  it('config (0.7, 0.6) keeps 4 of 6 heads and 922 of 1536 neurons', () => {
    const st = stateForConfig(s2(small));
    expect(st.headsPerBlock).toEqual(Array(12).fill(4));
    expect(st.neuronsPerBlock).toEqual(Array(12).fill(922));
    expect(flopsForConfig(s2(small)).theoretical).toBe(computeFlops(small, state('ours')).theoretical);
  });

  it('saves 37.0% with dead heads\' proj columns gone (ours), 34.5% with proj full-size (paper)', () => {
    const ours = computeFlops(small, state('ours'));
    const paper = computeFlops(small, state('paper'));
    expect(Math.abs(100 * ours.savedTheoretical - 37.0)).toBeLessThan(0.3);
    expect(Math.abs(100 * paper.savedTheoretical - 34.5)).toBeLessThan(0.3);
    // We gather live units, so executed = theoretical under our convention, whatever is counted.
    expect(ours.executed).toBe(ours.theoretical);
    expect(paper.executed).toBe(ours.executed);
    expect(paper.byComponent.proj.theoretical).toBe(paper.byComponent.proj.dense);
    expect(ours.params.nonzero).toBeLessThan(paper.params.nonzero);
  });

  it('removes whole heads and neurons from the parameter count', () => {
    const r = computeFlops(small, state('ours'));
    // Per block: 2 heads × (3 qkv rows·64 + proj columns 64) × 384 weights + 2·3·64 qkv biases,
    // 614 neurons × (384 fc1 + 384 fc2 weights + 1 bias).
    const removed = 12 * (2 * 64 * 384 * 4 + 2 * 3 * 64 + 614 * (2 * 384 + 1));
    expect(r.params.nonzero).toBe(r.params.dense - removed);
    expect(r.params.executed).toBe(r.params.nonzero);
  });
});

describe('computeFlops: invariants', () => {
  it('executed ≤ dense and theoretical ≤ executed over consistent states', () => {
    const configs: ExperimentConfig[] = [];
    for (const c of [presetConfig('tiny'), presetConfig('cifar10'), small, base])
      for (const method of ['dense', 'svite', 's2vite'] as const)
        for (const tokenKeep of [1, 0.95, 0.5])
          configs.push({ ...c, method, tokenKeep, density: 0.3, attnDensity: 0.5, mlpDensity: 0.4 });
    for (const c of configs) {
      const r = flopsForConfig(c);
      expect(r.executed).toBeLessThanOrEqual(r.dense);
      expect(r.theoretical).toBeLessThanOrEqual(r.executed);
      for (const x of r.components) expect(x.theoretical).toBeLessThanOrEqual(x.executed);
    }
  });

  it('combines unstructured density with live units and tokens', () => {
    const specs = sparseSpecs(paramSpecs(small));
    const st: FlopsState = {
      layerDensity: layerDensities(specs, 0.5, 'erk'),
      headsPerBlock: [1, 2, 3, 4, 5, 6, 6, 5, 4, 3, 2, 1],
      neuronsPerBlock: Array(12).fill(768),
      keptTokens: 98,
    };
    const r = computeFlops(small, st);
    expect(r.tokens).toBe(99);
    expect(r.executed).toBeLessThan(r.dense);
    expect(r.theoretical).toBeLessThan(r.executed);
    const b0 = r.components.find((x) => x.component === 'attn' && x.block === 0)!;
    expect(b0.executed).toBe(2 * 99 * 99 * 64);
  });
});
