// The experiment config stored in a model file, read field by field: every problem names the file
// and the field. Fields only training reads (optimiser, schedule, data loading) never block loading
// a model: a bad one is put back to its preset's value, with a note.
import { PRESETS, presetConfig, validateConfig, type ExperimentConfig, type PresetName } from '../config';

const TRAINING_ONLY: readonly (keyof ExperimentConfig)[] = [
  'augment', 'trainSize', 'steps', 'batchSize', 'lr', 'minLr', 'weightDecay', 'warmupSteps', 'labelSmoothing', 'clipNorm',
  'evalEvery', 'evalSize', 'growth', 'updateFraction', 'updateInterval', 'updateEnd', 'regrowPruned', 'sparseMoments',
  'unitFraction', 'unitRounding', 'unitCap', 'unitInit', 'unitProtect', 'unitGrowth', 'neuronPrune', 'tokenTauStart', 'tokenTauEnd', 'tokenNoise',
  'tokenLr',
];

/** Fields whose default is not what files written before them did: such a file keeps its behaviour
 *  (a learned selector without the per-patch bias it never had). */
const BEFORE_ADDED: Partial<ExperimentConfig> = { tokenPrior: 0 };

export interface StoredConfig {
  config: ExperimentConfig;
  /** Training-only fields that were put back to the preset's value, and why. */
  notes: string[];
}

/** The stored config over its preset's defaults (fields added since keep working), checked. */
export function readStoredConfig(json: string, fail: (what: string) => never): StoredConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return fail("metadata 'config' is not valid JSON");
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail("metadata 'config' is not a JSON object");
  const r = raw as Record<string, unknown>;
  const preset = r.preset === undefined ? 'tiny' : r.preset;
  if (typeof preset !== 'string' || !(PRESETS as readonly string[]).includes(preset))
    return fail(`the stored config names an unknown preset ${JSON.stringify(preset)} (presets: ${PRESETS.join(', ')})`);
  const base = presetConfig(preset as PresetName);
  const out: Record<string, unknown> = { ...base };
  const notes: string[] = [];
  const problems: string[] = [];
  for (const k of Object.keys(base) as (keyof ExperimentConfig)[]) {
    if (!Object.hasOwn(r, k)) { // a field added after the file was written
      if (Object.hasOwn(BEFORE_ADDED, k)) out[k] = BEFORE_ADDED[k];
      continue;
    }
    if (typeof r[k] === typeof base[k]) out[k] = r[k];
    else (TRAINING_ONLY.includes(k) ? notes : problems).push(`${k} is ${JSON.stringify(r[k])}, expected a ${typeof base[k]}`);
  }
  const config = out as unknown as ExperimentConfig;
  for (let issues = validateConfig(config); issues.length; issues = validateConfig(config)) {
    const fixable = issues.find((i) => TRAINING_ONLY.includes(i.field));
    if (!fixable) {
      problems.push(...issues.map((i) => i.message));
      break;
    }
    notes.push(`${fixable.message}; using the preset's ${fixable.field} ${String(base[fixable.field])} (training only)`);
    out[fixable.field] = base[fixable.field];
  }
  if (problems.length) fail(`the stored config is invalid:\n  - ${problems.join('\n  - ')}`);
  return { config, notes };
}
