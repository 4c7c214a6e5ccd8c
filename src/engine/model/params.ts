// Parameter names and shapes, keyed by exact timm names. Our layout differs from PyTorch's only
// in transposition: Linear weights are stored [in, out] (so x·W needs no transpose), and the patch
// embedding conv weight [D, C, p, p] is stored as the linear map [C·p·p, D] on flattened patches.
import { type ModelConfig } from '../config';
import { mlpHidden, sizeOf } from '../facts/shape';

export type ParamRole = 'weight' | 'bias' | 'norm' | 'token' | 'selector';

export interface ParamSpec {
  name: string; // exact timm key
  shape: number[]; // our layout
  timmShape: number[]; // PyTorch layout
  role: ParamRole;
  /** Unstructured-sparsifiable weight matrix (SViTE masks apply). */
  sparse: boolean;
  /** Gets AdamW weight decay (weights only; not biases, norms, cls/pos tokens). */
  decay: boolean;
}

const linear = (prefix: string, fanIn: number, fanOut: number, sparse = true): ParamSpec[] => [
  { name: `${prefix}.weight`, shape: [fanIn, fanOut], timmShape: [fanOut, fanIn], role: 'weight', sparse, decay: true },
  { name: `${prefix}.bias`, shape: [fanOut], timmShape: [fanOut], role: 'bias', sparse: false, decay: false },
];

const layerNorm = (prefix: string, d: number): ParamSpec[] => [
  { name: `${prefix}.weight`, shape: [d], timmShape: [d], role: 'norm', sparse: false, decay: false },
  { name: `${prefix}.bias`, shape: [d], timmShape: [d], role: 'norm', sparse: false, decay: false },
];

/** Name of the SViTE+ selector's per-patch score bias (tokenPrior > 0). */
export const POSITION_BIAS = 'token_selector.position_bias';

/**
 * All parameters of the ViT in timm's order. `withSelector` adds the SViTE+ token scorer,
 * `withPositionBias` its per-patch bias (after the scorer, so every other draw of the init is unchanged).
 */
export function paramSpecs(c: ModelConfig, withSelector = false, withPositionBias = false): ParamSpec[] {
  const D = c.embedDim;
  const p = c.patchSize;
  const patchIn = c.inChans * p * p;
  const n = (c.imageSize / p) ** 2;
  const hidden = mlpHidden(c);
  const specs: ParamSpec[] = [
    { name: 'cls_token', shape: [1, 1, D], timmShape: [1, 1, D], role: 'token', sparse: false, decay: false },
    { name: 'pos_embed', shape: [1, n + 1, D], timmShape: [1, n + 1, D], role: 'token', sparse: false, decay: false },
    { name: 'patch_embed.proj.weight', shape: [patchIn, D], timmShape: [D, c.inChans, p, p], role: 'weight', sparse: true, decay: true },
    { name: 'patch_embed.proj.bias', shape: [D], timmShape: [D], role: 'bias', sparse: false, decay: false },
  ];
  if (withSelector) specs.push(...linear('token_selector.score', D, 1, false).map((s) => ({ ...s, role: 'selector' as const })));
  if (withSelector && withPositionBias) specs.push({ name: POSITION_BIAS, shape: [n], timmShape: [n], role: 'selector', sparse: false, decay: false });
  for (let i = 0; i < c.depth; i++) {
    const b = `blocks.${i}`;
    specs.push(
      ...layerNorm(`${b}.norm1`, D),
      ...linear(`${b}.attn.qkv`, D, 3 * D),
      ...linear(`${b}.attn.proj`, D, D),
      ...layerNorm(`${b}.norm2`, D),
      ...linear(`${b}.mlp.fc1`, D, hidden),
      ...linear(`${b}.mlp.fc2`, hidden, D),
    );
  }
  specs.push(...layerNorm('norm', D), ...linear('head', D, c.numClasses));
  return specs;
}

export const countParams = (specs: ParamSpec[]): number =>
  specs.reduce((s, p) => s + sizeOf(p.shape), 0);

export const sparseSpecs = (specs: ParamSpec[]): ParamSpec[] => specs.filter((s) => s.sparse);

/** Block index of a timm name, or -1 outside the blocks. */
export function blockOf(name: string): number {
  const m = /^blocks\.(\d+)\./.exec(name);
  return m ? Number(m[1]) : -1;
}
