// Short names for saved runs: the method as the paper writes it (SViTE+ = SViTE with the token selector).
import type { ExperimentConfig } from '../../engine/config';
import { selectorOn } from '../../engine/facts';

export function methodName(c: ExperimentConfig): string {
  if (c.method === 'dense') return selectorOn(c) ? 'dense+tokens' : 'dense';
  if (c.method === 's2vite') return selectorOn(c) ? 'S²ViTE+' : 'S²ViTE';
  return selectorOn(c) ? 'SViTE+' : 'SViTE';
}
