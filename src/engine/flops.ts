// Closed-form FLOPs and parameter counts per image (method.md §5), in MACs: FLOPs = 2 × MACs.
// Three columns: dense (the dense model), theoretical (nonzero weights only, the paper's count) and
// executed (what our kernels compute: unstructured zeros still run on dense kernels, while removed
// heads/neurons and dropped tokens are gathered away and really cost nothing).
// Counted terms are the matmuls only, exactly those of §5; biases, norms, GELU, softmax, the
// position embedding add and the attention scale are left out. With them out, the dense totals
// reproduce the paper's DeiT figures (Tiny 1.254 G, Small 4.599 G, Base 17.564 G) to the MAC.
import { type ExperimentConfig } from './config';
import { headDim, initialLayerDensity, initialUnits, keptTokens, mlpHidden, numPatches, selectorOn } from './facts';
import { countParams, paramSpecs } from './model/params';

/** The sparse state to count; every field optional, missing = dense. */
export interface FlopsState {
  /** Unstructured density per sparse weight (timm name), taken as the nonzero fraction of the
   *  layer's live part (rows/columns of removed heads/neurons excluded). Missing = 1. */
  layerDensity?: Record<string, number>;
  /** Live heads per block (S²ViTE); missing = numHeads. */
  headsPerBlock?: number[];
  /** Live MLP hidden neurons per block; missing = hidden. */
  neuronsPerBlock?: number[];
  /** Kept patch tokens (SViTE+), cls excluded; missing = all patches. Below all patches the selector runs. */
  keptTokens?: number;
  /** Theoretical count only: 'paper' keeps proj full-size under S²ViTE, as the paper counts;
   *  'ours' (default) drops a dead head's proj input columns. Executed is always 'ours': we gather. */
  projConvention?: 'ours' | 'paper';
}

export interface FlopsComponent {
  component: string;
  block: number; // -1 outside blocks
  dense: number;
  theoretical: number;
  executed: number;
}

export interface FlopsTotals {
  dense: number;
  theoretical: number;
  executed: number;
}

export interface FlopsReport {
  unit: 'MACs';
  dense: number;
  theoretical: number;
  executed: number;
  savedTheoretical: number; // fraction 0..1 of dense
  savedExecuted: number;
  components: FlopsComponent[];
  byComponent: Record<string, FlopsTotals>;
  /** dense: the dense model; nonzero: after masks and removed units (plus the selector when on);
   *  executed: entries our kernels touch (live units, unstructured zeros included). */
  params: { dense: number; nonzero: number; executed: number };
  /** Tokens per block, cls included. */
  tokens: number;
}

/** MACs to FLOPs: one multiply-add is two floating-point operations. */
export const toFlops = (macs: number): number => 2 * macs;

export const COMPONENTS = ['patch_embed', 'selector', 'qkv', 'attn', 'proj', 'fc1', 'fc2', 'head'] as const;

export function computeFlops(c: ExperimentConfig, state: FlopsState = {}): FlopsReport {
  const D = c.embedDim, H = c.numHeads, hd = headDim(c), hidden = mlpHidden(c), C = c.numClasses;
  const patches = numPatches(c);
  const patchIn = c.inChans * c.patchSize * c.patchSize;
  const k = Math.min(state.keptTokens ?? patches, patches);
  const selectorOn = k < patches;
  const Nall = patches + 1; // tokens of the dense model, cls included
  const N = k + 1; // tokens in every block
  const paperProj = state.projConvention === 'paper';
  const dens = (name: string): number => state.layerDensity?.[name] ?? 1;

  const components: FlopsComponent[] = [];
  const add = (component: string, block: number, dense: number, theoretical: number, executed: number): void => {
    components.push({ component, block, dense, theoretical, executed });
  };
  let nonzero = 0, executedParams = 0;
  // Weight entries of a live [fanIn, fanOut] part, with nonzeros scaled by its density; exact
  // counts as the mask draws them (round(d·N)).
  const weights = (live: number, density: number): void => {
    nonzero += Math.round(density * live);
    executedParams += live;
  };
  const dense = (n: number): void => {
    nonzero += n;
    executedParams += n;
  };

  // The patch embedding always sees every patch: selection happens after it.
  const pe = 'patch_embed.proj.weight';
  add('patch_embed', -1, patches * D * patchIn, patches * D * patchIn * dens(pe), patches * D * patchIn);
  weights(patchIn * D, dens(pe));
  dense(D + D + (patches + 1) * D); // bias, cls token, pos embed
  // The selector scores all tokens (D→1); the dense model has none.
  const sel = selectorOn ? Nall * D : 0;
  add('selector', -1, 0, sel, sel);
  if (selectorOn) dense(D + 1);

  for (let b = 0; b < c.depth; b++) {
    const p = `blocks.${b}`;
    const a = (state.headsPerBlock?.[b] ?? H) * hd; // live attention width
    const n = state.neuronsPerBlock?.[b] ?? hidden; // live MLP width
    const dq = dens(`${p}.attn.qkv.weight`), dp = dens(`${p}.attn.proj.weight`);
    const d1 = dens(`${p}.mlp.fc1.weight`), d2 = dens(`${p}.mlp.fc2.weight`);
    const projIn = paperProj ? D : a;
    add('qkv', b, Nall * D * 3 * D, N * D * 3 * a * dq, N * D * 3 * a);
    // QKᵀ and AV: dense matmuls of activations, untouched by weight sparsity.
    add('attn', b, 2 * Nall * Nall * D, 2 * N * N * a, 2 * N * N * a);
    add('proj', b, Nall * D * D, N * projIn * D * dp, N * a * D);
    add('fc1', b, Nall * D * hidden, N * D * n * d1, N * D * n);
    add('fc2', b, Nall * hidden * D, N * n * D * d2, N * n * D);
    dense(4 * D); // norm1, norm2
    weights(D * 3 * a, dq); dense(3 * a);
    if (paperProj) { nonzero += Math.round(dp * D * D); executedParams += a * D; }
    else weights(a * D, dp);
    dense(D);
    weights(D * n, d1); dense(n);
    weights(n * D, d2); dense(D);
  }

  const hw = 'head.weight';
  add('head', -1, D * C, D * C * dens(hw), D * C); // cls token only
  dense(2 * D); // final norm
  weights(D * C, dens(hw)); dense(C);

  const sum = (key: keyof FlopsTotals): number => components.reduce((s, x) => s + x[key], 0);
  const byComponent: Record<string, FlopsTotals> = {};
  for (const name of COMPONENTS) byComponent[name] = { dense: 0, theoretical: 0, executed: 0 };
  for (const x of components) {
    const t = byComponent[x.component];
    t.dense += x.dense;
    t.theoretical += x.theoretical;
    t.executed += x.executed;
  }
  const totals = { dense: sum('dense'), theoretical: sum('theoretical'), executed: sum('executed') };
  return {
    unit: 'MACs',
    ...totals,
    savedTheoretical: 1 - totals.theoretical / totals.dense,
    savedExecuted: 1 - totals.executed / totals.dense,
    components,
    byComponent,
    params: { dense: countParams(paramSpecs(c)), nonzero, executed: executedParams },
    tokens: N,
  };
}

/** The sparse state a config implies at step 0 (exact mask counts for SViTE). */
export function stateForConfig(c: ExperimentConfig): FlopsState {
  const state: FlopsState = {};
  if (c.method === 'svite') state.layerDensity = initialLayerDensity(c);
  if (c.method === 's2vite') {
    const units = initialUnits(c);
    state.headsPerBlock = units.heads;
    state.neuronsPerBlock = units.neurons;
  }
  if (selectorOn(c)) state.keptTokens = keptTokens(c);
  return state;
}

export const flopsForConfig = (c: ExperimentConfig): FlopsReport => computeFlops(c, stateForConfig(c));
