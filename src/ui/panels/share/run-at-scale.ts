// The torchrun command that trains an experiment with the PyTorch package (python/sparse_vit, see
// the README's "Scale out"): the link's query in single quotes, so no shell expands its & or !.
import type { ExperimentConfig } from '../../../engine/config';
import { encodeConfig } from '../../../engine/config-url';

export function torchrunCommand(c: ExperimentConfig, processes = 2): string {
  return `torchrun --standalone --nproc_per_node=${processes} -m sparse_vit.train --url '${encodeConfig(c)}' --out runs/${c.preset}-${c.method}-s${c.seed}`;
}
