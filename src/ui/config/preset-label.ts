// The preset picker's labels, read from the presets themselves so a label cannot drift from what
// the preset loads (cifar10 was once listed with 6 blocks while it loads 4). Short, so the select
// is not cut off.
import { PRESET_CONFIGS, type DatasetName, type PresetName } from '../../engine/config';
import { paperScaleReason } from './relevance';

const DATA: Record<DatasetName, string> = { synthetic: 'synthetic', mnist: 'MNIST', 'fashion-mnist': 'Fashion-MNIST', cifar10: 'CIFAR-10' };

export function presetLabel(p: PresetName): string {
  const c = PRESET_CONFIGS[p];
  if (paperScaleReason(c)) return `${p}: paper scale, FLOPs only`;
  return `${p}: ${c.depth} blocks, ${DATA[c.dataset]} ${c.imageSize}×${c.imageSize}`;
}
