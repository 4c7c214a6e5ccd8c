// Whether the settings on screen differ from those of the run in progress: edits never reach a
// running or paused run, so the studio says they apply to the next one. Compared by the canonical
// link, so a value changed and changed back counts as unchanged.
import type { ExperimentConfig } from '../../engine/config';
import { encodeConfig } from '../../engine/config-url';

export function pendingEdits(config: ExperimentConfig, runConfig: ExperimentConfig | null): boolean {
  return runConfig !== null && config !== runConfig && encodeConfig(config) !== encodeConfig(runConfig);
}
