// What a PyTorch user needs to feed the model, stored the way timm keeps it in `pretrained_cfg`
// (input_size [C, H, W], per-channel mean and std in [0, 1] units, num_classes, label_names), so a
// timm user normalises exactly as training did without recomputing statistics from the raw data.
import type { ModelConfig } from '../config';

export const PRETRAINED_CFG_KEY = 'pretrained_cfg';

/** The data facts a model file records next to its config. */
export interface DataFacts {
  mean: number[];
  std: number[];
  classNames: string[];
}

export interface Preprocessing extends DataFacts {
  /** [channels, height, width], timm's order. */
  inputSize: [number, number, number];
  numClasses: number;
}

/** The JSON stored under `pretrained_cfg`, with timm's field names. */
export function pretrainedCfgJson(c: Pick<ModelConfig, 'inChans' | 'imageSize' | 'numClasses'>, d: DataFacts): string {
  return JSON.stringify({
    input_size: [c.inChans, c.imageSize, c.imageSize],
    mean: d.mean,
    std: d.std,
    num_classes: c.numClasses,
    label_names: d.classNames,
    // The studio feeds images at their stored size: no resize, no crop.
    interpolation: 'bilinear',
    crop_pct: 1,
  });
}

const isNumbers = (v: unknown, n: number): v is number[] =>
  Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/** Reads `pretrained_cfg` back, checked against the model config; every problem is named. */
export function readPretrainedCfg(json: string, c: ModelConfig, fail: (what: string) => never): Preprocessing {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return fail(`metadata '${PRETRAINED_CFG_KEY}' is not valid JSON`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail(`metadata '${PRETRAINED_CFG_KEY}' is not a JSON object`);
  const r = raw as Record<string, unknown>;
  const size = [c.inChans, c.imageSize, c.imageSize];
  const problems: string[] = [];
  if (!isNumbers(r.input_size, 3) || r.input_size.some((v, i) => v !== size[i]))
    problems.push(`input_size is ${JSON.stringify(r.input_size)}, expected [${size}] (the model's channels and image size)`);
  for (const k of ['mean', 'std'] as const)
    if (!isNumbers(r[k], c.inChans)) problems.push(`${k} is ${JSON.stringify(r[k])}, expected ${c.inChans} finite number(s), one per channel`);
  if (isNumbers(r.std, c.inChans) && r.std.some((s) => s <= 0)) problems.push(`std ${JSON.stringify(r.std)} must be positive`);
  if (r.num_classes !== c.numClasses) problems.push(`num_classes is ${JSON.stringify(r.num_classes)}, expected ${c.numClasses} (the model's)`);
  const names = r.label_names;
  if (!Array.isArray(names) || names.length > c.numClasses || !names.every((n) => typeof n === 'string'))
    problems.push(`label_names must be a list of at most ${c.numClasses} strings`);
  if (problems.length) fail(`metadata '${PRETRAINED_CFG_KEY}' does not fit the model:\n  - ${problems.join('\n  - ')}`);
  return {
    inputSize: size as [number, number, number], numClasses: c.numClasses,
    mean: r.mean as number[], std: r.std as number[], classNames: names as string[],
  };
}
