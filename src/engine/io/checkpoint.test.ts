import { describe, expect, it } from 'vitest';
import { presetConfig, type ExperimentConfig } from '../config';
import { headDim, mlpHidden } from '../facts';
import { paramSpecs, type ParamSpec } from '../model/params';
import { Rng } from '../rng';
import { CheckpointError, exportModel, importModel } from './checkpoint';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from './safetensors';
import { sizeOf } from '../facts/shape';
import { toTimmLayout } from './timm-layout';

const randomParams = (specs: ParamSpec[], rng: Rng): Map<string, Float32Array> =>
  new Map(specs.map((s) => [s.name, Float32Array.from({ length: sizeOf(s.shape) }, () => rng.normal())]));
const randomMasks = (specs: ParamSpec[], rng: Rng): Map<string, Uint8Array> =>
  new Map(specs.filter((s) => s.sparse).map((s) => [s.name, Uint8Array.from({ length: sizeOf(s.shape) }, () => (rng.next() < 0.4 ? 1 : 0))]));

/** A plain timm state dict (PyTorch layout, no studio metadata), as exported from PyTorch. */
const timmStateDict = (specs: ParamSpec[], params: Map<string, Float32Array>, metadata: Record<string, string> = { format: 'pt' }): Uint8Array =>
  encodeSafetensors(specs.map((s): NamedTensor => ({ name: s.name, dtype: 'F32', shape: s.timmShape, data: toTimmLayout(s, params.get(s.name)!) })), metadata);

describe('exportModel / importModel, dense layout', () => {
  const config: ExperimentConfig = { ...presetConfig('tiny'), method: 'svite', density: 0.3, lr: 1.25e-3, seed: 1234, growth: 'random' };
  const specs = paramSpecs(config);
  const rng = new Rng(1);
  const params = randomParams(specs, rng);
  const masks = randomMasks(specs, rng);
  const bytes = exportModel({ config, specs, params, masks });

  it('stores exact timm names in PyTorch layout, masks as U8 `<name>.mask`, and the metadata', () => {
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(metadata).toMatchObject({ format: 'sparse-vit-studio/1', method: 'svite', layout: 'dense', class_token: 'true', global_pool: 'token' });
    expect(JSON.parse(metadata.config)).toEqual(config);
    for (const s of specs) {
      const t = tensors.get(s.name)!;
      expect([t.dtype, t.shape]).toEqual(['F32', s.timmShape]);
      expect(t.data).toEqual(toTimmLayout(s, params.get(s.name)!));
    }
    const qkv = tensors.get('blocks.0.attn.qkv.weight')!;
    expect(qkv.shape).toEqual([3 * config.embedDim, config.embedDim]);
    const m = tensors.get('blocks.1.mlp.fc2.weight.mask')!;
    expect([m.dtype, m.shape]).toEqual(['U8', [config.embedDim, mlpHidden(config)]]);
    expect(tensors.size).toBe(specs.length + masks.size);
  });

  it('round-trips params, masks and config exactly', () => {
    const got = importModel(bytes, 'run.safetensors');
    expect(got.config).toEqual(config);
    expect([got.method, got.layout, got.hasSelector]).toEqual(['svite', 'dense', false]);
    expect(got.params).toEqual(params);
    expect(got.masks).toEqual(masks);
    expect(got.headsAlive).toBeNull();
    expect(got.neuronsAlive).toBeNull();
  });

  it('detects and round-trips the SViTE+ token selector', () => {
    const c = { ...config, tokenKeep: 0.5 };
    const withSel = paramSpecs(c, true);
    const p = randomParams(withSel, new Rng(2));
    const got = importModel(exportModel({ config: c, specs: withSel, params: p }));
    expect(got.hasSelector).toBe(true);
    expect(got.params).toEqual(p);
    expect(got.masks.size).toBe(0);
  });

  it('refuses to export incomplete params or masks of dense tensors', () => {
    const partial = new Map(params);
    partial.delete('head.bias');
    expect(() => exportModel({ config, specs, params: partial })).toThrow(/parameter "head\.bias" is missing/);
    const bad = new Map([['norm.weight', new Uint8Array(32)]]);
    expect(() => exportModel({ config, specs, params, masks: bad })).toThrow(/"norm\.weight", which is not a sparse weight/);
  });
});

describe('compact layout (S²ViTE)', () => {
  const config: ExperimentConfig = { ...presetConfig('tiny'), method: 's2vite', attnDensity: 0.5, mlpDensity: 0.5 };
  const D = config.embedDim, H = config.numHeads, hd = headDim(config), hidden = mlpHidden(config);
  const specs = paramSpecs(config);
  const rng = new Rng(9);
  const params = randomParams(specs, rng); // nonzero everywhere, removed units included
  const masks = randomMasks(specs, rng);
  const heads = [[0, 2, 3], [1]];
  const neurons = [[1, 4, 5, 30, 63], Array.from({ length: hidden }, (_, j) => j).filter((j) => j % 3 === 0)];
  const headsAlive = new Uint8Array(config.depth * H);
  const neuronsAlive = new Uint8Array(config.depth * hidden);
  heads.forEach((hs, b) => hs.forEach((h) => (headsAlive[b * H + h] = 1)));
  neurons.forEach((ns, b) => ns.forEach((j) => (neuronsAlive[b * hidden + j] = 1)));
  const bytes = exportModel({ config, specs, params, masks, headsAlive, neuronsAlive, compact: true });

  /** Independently, in our layout: a removed head's qkv columns and bias, proj input rows; a removed neuron's fc1 column and bias, fc2 row. */
  function zeroRemoved<T extends Float32Array | Uint8Array>(name: string, x: T): T {
    const y = x.slice() as T;
    const m = /^blocks\.(\d+)\.(.+)$/.exec(name);
    if (!m) return y;
    const b = Number(m[1]);
    for (let h = 0; h < H; h++) {
      if (headsAlive[b * H + h]) continue;
      for (let r = 0; r < hd; r++)
        for (let s = 0; s < 3; s++) {
          const col = s * D + h * hd + r;
          if (m[2] === 'attn.qkv.bias') y[col] = 0;
          if (m[2] === 'attn.qkv.weight') for (let i = 0; i < D; i++) y[i * 3 * D + col] = 0;
          if (m[2] === 'attn.proj.weight' && s === 0) y.fill(0, (h * hd + r) * D, (h * hd + r + 1) * D);
        }
    }
    for (let j = 0; j < hidden; j++) {
      if (neuronsAlive[b * hidden + j]) continue;
      if (m[2] === 'mlp.fc1.bias') y[j] = 0;
      if (m[2] === 'mlp.fc1.weight') for (let i = 0; i < D; i++) y[i * hidden + j] = 0;
      if (m[2] === 'mlp.fc2.weight') y.fill(0, j * D, (j + 1) * D);
    }
    return y;
  }

  it('stores only the live units: smaller qkv, proj, fc1, fc2 (and their masks and biases)', () => {
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(metadata.layout).toBe('compact');
    expect(JSON.parse(metadata.heads)).toEqual(heads);
    expect(JSON.parse(metadata.neurons)).toEqual(neurons);
    heads.forEach((hs, b) => {
      const hk = hs.length, n = neurons[b].length;
      const shape = (name: string): number[] => tensors.get(`blocks.${b}.${name}`)!.shape;
      expect(shape('attn.qkv.weight')).toEqual([3 * hk * hd, D]);
      expect(shape('attn.qkv.weight.mask')).toEqual([3 * hk * hd, D]);
      expect(shape('attn.qkv.bias')).toEqual([3 * hk * hd]);
      expect(shape('attn.proj.weight')).toEqual([D, hk * hd]);
      expect(shape('attn.proj.weight.mask')).toEqual([D, hk * hd]);
      expect(shape('attn.proj.bias')).toEqual([D]);
      expect(shape('mlp.fc1.weight')).toEqual([n, D]);
      expect(shape('mlp.fc1.bias')).toEqual([n]);
      expect(shape('mlp.fc2.weight')).toEqual([D, n]);
      expect(shape('mlp.fc2.weight.mask')).toEqual([D, n]);
      expect(shape('mlp.fc2.bias')).toEqual([D]);
    });
    // Rows are those of a smaller timm model: [q | k | v] × live head × head_dim.
    const full = toTimmLayout(specs.find((s) => s.name === 'blocks.0.attn.qkv.weight')!, params.get('blocks.0.attn.qkv.weight')!);
    const qkv = tensors.get('blocks.0.attn.qkv.weight')!.data as Float32Array;
    const hk = heads[0].length;
    for (let s = 0; s < 3; s++)
      heads[0].forEach((h, i) => {
        const row = (s * hk + i) * hd + 1;
        expect(qkv.subarray(row * D, (row + 1) * D)).toEqual(full.subarray((s * D + h * hd + 1) * D, (s * D + h * hd + 2) * D));
      });
    expect(bytes.length).toBeLessThan(exportModel({ config, specs, params, masks }).length);
  });

  it('re-imports to the full layout: live units exact, removed units zero', () => {
    const got = importModel(bytes, 'compact.safetensors');
    expect(got.layout).toBe('compact');
    expect(got.config).toEqual(config);
    expect(got.headsAlive).toEqual(headsAlive);
    expect(got.neuronsAlive).toEqual(neuronsAlive);
    for (const s of specs) {
      expect(got.params.get(s.name), s.name).toEqual(zeroRemoved(s.name, params.get(s.name)!));
      if (s.sparse) expect(got.masks.get(s.name), s.name).toEqual(zeroRemoved(s.name, masks.get(s.name)!));
    }
  });

  it('records live units in a dense export too, leaving the weights whole', () => {
    const got = importModel(exportModel({ config, specs, params, headsAlive, neuronsAlive }));
    expect(got.layout).toBe('dense');
    expect(got.params).toEqual(params);
    expect(got.headsAlive).toEqual(headsAlive);
    expect(got.neuronsAlive).toEqual(neuronsAlive);
  });
});

describe('importModel of foreign and broken files', () => {
  const config: ExperimentConfig = { ...presetConfig('tiny'), embedDim: 32 }; // pinned: the messages below name its shapes
  const specs = paramSpecs(config);
  const params = randomParams(specs, new Rng(4));

  it('imports a plain timm state dict when the caller gives the config', () => {
    const bytes = timmStateDict(specs, params);
    expect(() => importModel(bytes, 'deit.safetensors')).toThrow(/deit\.safetensors: is not a Sparse ViT Studio file .*pass the model config/);
    const got = importModel(bytes, 'deit.safetensors', { config });
    expect(got.params).toEqual(params);
    expect([got.layout, got.masks.size, got.headsAlive, got.hasSelector]).toEqual(['dense', 0, null, false]);
  });

  it('reports every missing, unexpected and mis-shaped tensor at once', () => {
    const other = { ...config, numClasses: 7 };
    const bytes = timmStateDict(paramSpecs(other).filter((s) => s.name !== 'blocks.1.norm2.bias'), new Map(params).set('head.weight', new Float32Array(32 * 7)).set('head.bias', new Float32Array(7)));
    let message = '';
    try {
      importModel(bytes, 'x.safetensors', { config });
    } catch (e) {
      expect(e).toBeInstanceOf(CheckpointError);
      message = (e as Error).message;
    }
    expect(message).toMatch(/^x\.safetensors does not fit the model \(embedDim 32, depth 2, 4 heads/);
    expect(message).toMatch(/missing 1 tensor\(s\): blocks\.1\.norm2\.bias/);
    expect(message).toMatch(/head\.weight has shape \[7,32\], expected \[10,32\]/);
    expect(message).toMatch(/head\.bias has shape \[7\], expected \[10\]/);
  });

  it('hints at a wrapper prefix and rejects wrong dtypes', () => {
    const prefixed = encodeSafetensors(specs.map((s) => ({ name: `module.${s.name}`, dtype: 'F32' as const, shape: s.timmShape, data: new Float32Array(sizeOf(s.shape)) })));
    expect(() => importModel(prefixed, 'p', { config })).toThrow(/prefix 'module\.'/);
    const ints = encodeSafetensors(specs.map((s) => ({ name: s.name, dtype: 'I32' as const, shape: s.timmShape, data: new Int32Array(sizeOf(s.shape)) })));
    expect(() => importModel(ints, 'i', { config })).toThrow(/cls_token is I32, expected F32/);
  });

  it('rejects a newer format and a broken config', () => {
    expect(() => importModel(timmStateDict(specs, params, { format: 'sparse-vit-studio/2' }), 'n')).toThrow(/format 'sparse-vit-studio\/2'/);
    const bad = { format: 'sparse-vit-studio/1', config: JSON.stringify({ ...config, numHeads: 5 }) };
    expect(() => importModel(timmStateDict(specs, params, bad), 'b')).toThrow(/embedDim 32 is not divisible by numHeads 5/);
    const compactNoUnits = { format: 'sparse-vit-studio/1', config: JSON.stringify(config), layout: 'compact' };
    expect(() => importModel(timmStateDict(specs, params, compactNoUnits), 'c')).toThrow(/compact layout without 'heads'/);
    const badUnits = { ...compactNoUnits, heads: '[[0,0],[1]]', neurons: '[[0],[1]]' };
    expect(() => importModel(timmStateDict(specs, params, badUnits), 'u')).toThrow(/'heads' block 0: expected increasing indices/);
  });

  it('checks the stored config field by field, naming the file; training-only fields never block', () => {
    const load = (over: Record<string, unknown>, name = 'm.safetensors') =>
      importModel(timmStateDict(specs, params, { format: 'sparse-vit-studio/1', config: JSON.stringify({ ...config, ...over }) }), name);
    expect(() => load({ dataset: 'banana' })).toThrow(/^m\.safetensors: the stored config is invalid:\n {2}- dataset must be one of synthetic, mnist, fashion-mnist, cifar10 \(got banana\)$/);
    expect(() => load({ dataset: '__proto__' })).toThrow(/^m\.safetensors: .*dataset must be one of .* \(got __proto__\)$/s);
    expect(() => load({ preset: 'nope' })).toThrow(/^m\.safetensors: the stored config names an unknown preset "nope" \(presets: tiny, /);
    expect(() => load({ embedDim: '32' })).toThrow(/^m\.safetensors: the stored config is invalid:\n {2}- embedDim is "32", expected a number$/);
    const got = load({ steps: -4, lr: 'fast', batchSize: 0 });
    expect(got.config).toEqual(config); // put back to the preset's values
    expect(got.configNotes).toEqual([
      'lr is "fast", expected a number',
      `steps must be a whole number from 1 to 10000000 (got -4); using the preset's steps ${presetConfig('tiny').steps} (training only)`,
      'batchSize must be a whole number from 1 to 4096 (got 0); using the preset\'s batchSize 32 (training only)',
    ]);
  });

  it('fills config fields the file lacks from its preset', () => {
    const { lr: _lr, tokenKeep: _tk, ...old } = { ...config, seed: 77 };
    const got = importModel(timmStateDict(specs, params, { format: 'sparse-vit-studio/1', config: JSON.stringify(old) }));
    expect(got.config).toEqual({ ...config, seed: 77 });
  });

  it('a file written before the selector\'s centre prior existed keeps its behaviour: no prior', () => {
    const { tokenPrior: _p, tokenLr: _l, ...old } = { ...config, seed: 77 };
    const got = importModel(timmStateDict(specs, params, { format: 'sparse-vit-studio/1', config: JSON.stringify(old) }));
    expect(presetConfig('tiny').tokenPrior).toBeGreaterThan(0);
    expect(got.config).toEqual({ ...config, seed: 77, tokenPrior: 0 });
  });

  it('refuses non-finite weights on export and on import, naming the tensors', () => {
    const poisoned = new Map(params);
    poisoned.set('blocks.0.attn.qkv.weight', params.get('blocks.0.attn.qkv.weight')!.map((v, i) => (i === 5 ? NaN : v)));
    poisoned.set('head.bias', params.get('head.bias')!.map((v, i) => (i === 0 ? -Infinity : v)));
    expect(() => exportModel({ config, specs, params: poisoned })).toThrow(/cannot export the model:\n {2}- 2 tensor\(s\) hold NaN or infinite values \(the training diverged\): blocks\.0\.attn\.qkv\.weight, head\.bias$/);
    const meta = { format: 'sparse-vit-studio/1', config: JSON.stringify(config) };
    expect(() => importModel(timmStateDict(specs, poisoned, meta), 'nan.safetensors')).toThrow(/^nan\.safetensors: 2 tensor\(s\) hold NaN or infinite values .*: blocks\.0\.attn\.qkv\.weight, head\.bias$/);
    expect(() => importModel(timmStateDict(specs, params, meta), 'ok.safetensors')).not.toThrow();
  });
});
