// Which controls matter for which method, and whether a config is small enough to train in a tab.
import type { ExperimentConfig, Method } from '../../engine/config';
import { flopsForConfig, toFlops } from '../../engine/flops';

type Field = keyof ExperimentConfig;

const SCHEDULE: Field[] = ['updateInterval', 'updateFraction', 'updateEnd'];

/** Sparsity fields shown for each method (the others stay in the config, hidden). */
export const METHOD_FIELDS: Record<Method, Field[]> = {
  dense: [],
  svite: ['density', 'distribution', 'growth', 'sparseMoments', ...SCHEDULE],
  s2vite: ['attnDensity', 'mlpDensity', 'regrowPruned', 'unitFraction', ...SCHEDULE],
};

export const METHOD_LABEL: Record<Method, string> = {
  dense: 'Dense',
  svite: 'SViTE (unstructured)',
  s2vite: 'S²ViTE (heads + neurons)',
};

/** Dense forward MACs per image above which the studio refuses to train in the browser. */
export const BROWSER_MACS_LIMIT = 5e8;

/** Why this config should not train in a browser tab, or null when it may. */
export function paperScaleReason(c: ExperimentConfig): string | null {
  if (c.preset.startsWith('deit'))
    return `${c.preset} is a paper-scale model (224×224 images, 12 blocks): training it in a browser tab is impractical. Use the FLOPs calculator, or pick the tiny, fmnist or cifar10 preset to train.`;
  const macs = flopsForConfig(c).dense;
  if (macs > BROWSER_MACS_LIMIT)
    return `This model needs ${(toFlops(macs) / 1e9).toFixed(2)} GFLOPs per image (forward): too large to train in a browser tab. Shrink embedDim, depth or the image size.`;
  return null;
}
