import { describe, expect, it } from 'vitest';
import { presetConfig } from '../config';
import { paramSpecs, type ParamSpec } from '../model/params';
import { Rng } from '../rng';
import { sizeOf } from '../facts/shape';
import { fromTimmLayout, toTimmLayout } from './timm-layout';

const random = (n: number, rng: Rng): Float32Array => Float32Array.from({ length: n }, () => rng.normal());

describe('timm layout', () => {
  const c = { ...presetConfig('tiny'), inChans: 3 }; // 3 channels: patch order (C, ph, pw) matters
  const specs = paramSpecs(c, true);
  const spec = (name: string): ParamSpec => specs.find((s) => s.name === name)!;

  it('toTimmLayout and fromTimmLayout are exact inverses on every parameter', () => {
    const rng = new Rng(11);
    for (const s of specs) {
      const ours = random(sizeOf(s.shape), rng);
      const timm = toTimmLayout(s, ours);
      expect(timm.length).toBe(sizeOf(s.timmShape));
      expect(fromTimmLayout(s, timm)).toEqual(ours);
      expect(toTimmLayout(s, fromTimmLayout(s, ours))).toEqual(ours);
      const masks = Uint8Array.from(ours, (v) => (v > 0 ? 1 : 0));
      expect(fromTimmLayout(s, toTimmLayout(s, masks))).toEqual(masks);
    }
  });

  it('Linear: x·W (ours, [in, out]) equals W·x (PyTorch, [out, in])', () => {
    const rng = new Rng(5);
    const s = spec('blocks.0.mlp.fc1.weight');
    const [fanIn, fanOut] = s.shape;
    expect(s.timmShape).toEqual([fanOut, fanIn]);
    const w = random(fanIn * fanOut, rng);
    const wt = toTimmLayout(s, w);
    const x = random(fanIn, rng);
    for (let o = 0; o < fanOut; o++) {
      let ours = 0, torch = 0;
      for (let i = 0; i < fanIn; i++) {
        ours += x[i] * w[i * fanOut + o];
        torch += wt[o * fanIn + i] * x[i];
      }
      expect(torch).toBeCloseTo(ours, 5);
    }
  });

  it('patch embedding: ours [C·p·p, D] on (C, ph, pw)-flattened patches is timm conv [D, C, p, p]', () => {
    const rng = new Rng(6);
    const s = spec('patch_embed.proj.weight');
    const D = c.embedDim, C = c.inChans, p = c.patchSize;
    expect(s.timmShape).toEqual([D, C, p, p]);
    const w = random(C * p * p * D, rng);
    const conv = toTimmLayout(s, w);
    for (let d = 0; d < D; d += 7)
      for (let ch = 0; ch < C; ch++)
        for (let ph = 0; ph < p; ph++)
          for (let pw = 0; pw < p; pw++)
            expect(conv[((d * C + ch) * p + ph) * p + pw]).toBe(w[((ch * p + ph) * p + pw) * D + d]);
  });

  it('leaves tokens, biases and norms as they are, in fresh arrays', () => {
    const rng = new Rng(8);
    for (const name of ['cls_token', 'pos_embed', 'blocks.1.attn.qkv.bias', 'norm.weight', 'token_selector.score.bias']) {
      const s = spec(name);
      const x = random(sizeOf(s.shape), rng);
      const y = toTimmLayout(s, x);
      expect(y).toEqual(x);
      expect(y).not.toBe(x);
    }
  });

  it('rejects data of the wrong size', () => {
    expect(() => toTimmLayout(spec('head.weight'), new Float32Array(3))).toThrow(/head\.weight: expected \d+ values/);
  });
});
