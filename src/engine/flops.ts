// Closed-form FLOPs and parameter counts per image (method.md §5), in MACs: FLOPs = 2 × MACs.
// Three columns: dense (the dense model), theoretical (nonzero weights only, the paper's count) and
// executed (what our kernels compute: unstructured zeros still run on dense kernels, while removed
// heads/neurons and dropped tokens are gathered away and really cost nothing).
// Counted terms are the matmuls only, exactly those of §5; biases, norms, GELU, softmax, the
// position embedding add and the attention scale are left out. With them out, the dense totals
// reproduce the paper's DeiT figures (Tiny 1.254 G, Small 4.599 G, Base 17.564 G) to the MAC.
import { type ExperimentConfig } from './config';
import { blockParam, headDim, initialLayerDensity, initialUnits, keptTokens, mlpHidden, numPatches, selectorOn } from './facts';
import { countParams, paramSpecs } from './model/params';
import { UNIT_PARAMS, paramSize, unitCount, unitParamName } from './sparse/units';

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
  // The fixed-centre baseline drops patches without scoring them.
  const selectorOn = k < patches && c.tokenSelector === 'learned';
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
    const live = { head: state.headsPerBlock?.[b] ?? H, neuron: state.neuronsPerBlock?.[b] ?? hidden };
    const a = live.head * hd; // live attention width
    const n = live.neuron; // live MLP width
    const dq = dens(blockParam(b, 'qkv')), dp = dens(blockParam(b, 'proj'));
    const d1 = dens(blockParam(b, 'fc1')), d2 = dens(blockParam(b, 'fc2'));
    const projIn = paperProj ? D : a;
    add('qkv', b, Nall * D * 3 * D, N * D * 3 * a * dq, N * D * 3 * a);
    // QKᵀ and AV: dense matmuls of activations, untouched by weight sparsity.
    add('attn', b, 2 * Nall * Nall * D, 2 * N * N * a, 2 * N * N * a);
    add('proj', b, Nall * D * D, N * projIn * D * dp, N * a * D);
    add('fc1', b, Nall * D * hidden, N * D * n * d1, N * D * n);
    add('fc2', b, Nall * hidden * D, N * n * D * d2, N * n * D);
    dense(4 * D + D + D); // norm1, norm2, the proj and fc2 biases (outputs of width D, owned by no unit)
    // What live units own, as the unit table lays it out.
    for (const u of UNIT_PARAMS) {
      const name = unitParamName(b, u);
      const entries = (paramSize(u, c) / unitCount(u.unit, c)) * live[u.unit];
      if (u.kind === 'bias') dense(entries);
      else if (u.layer === 'proj' && paperProj) { nonzero += Math.round(dp * D * D); executedParams += entries; }
      else weights(entries, dens(name));
    }
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
