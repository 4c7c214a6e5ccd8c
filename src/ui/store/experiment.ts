// The experiment slice: the config being edited, its validation issues, and what a link ignored.
import type { StateCreator } from 'zustand';
import { presetConfig, validateConfig, type ConfigIssue, type DatasetName, type ExperimentConfig, type PresetName } from '../../engine/config';
import type { IgnoredKey } from '../../engine/config-url';
import { adaptToDataset } from '../config/adapt';
import type { StudioState } from './index';

/** Where the images of the next run come from (the bytes of imported files live in session/imported.ts). */
export type DataOrigin =
  | { kind: 'builtin' }
  | { kind: 'files'; dataset: DatasetName; files: { name: string; size: number }[] };

export interface Notice {
  id: number;
  tone: 'info' | 'warn' | 'error';
  title: string;
  lines: string[];
  /** Restores the config from before the change (e.g. an import). */
  undo?: ExperimentConfig;
  /** Notices about the same thing (e.g. 'model': each Load model) replace each other instead of piling up. */
  topic?: string;
}

export interface ExperimentSlice {
  config: ExperimentConfig;
  issues: ConfigIssue[];
  /** Keys of the opening link that were not used (decodeConfig's report). */
  ignored: IgnoredKey[];
  data: DataOrigin;
  notices: Notice[];
  setField: <K extends keyof ExperimentConfig>(field: K, value: ExperimentConfig[K]) => void;
  setConfig: (config: ExperimentConfig) => void;
  applyPreset: (name: PresetName) => void;
  setDataset: (name: DatasetName) => void;
  setIgnored: (ignored: IgnoredKey[]) => void;
  setData: (data: DataOrigin) => void;
  pushNotice: (n: Omit<Notice, 'id'>) => number;
  dismissNotice: (id: number) => void;
}

let noticeId = 0;

export const createExperimentSlice: StateCreator<StudioState, [], [], ExperimentSlice> = (set, get) => {
  const withConfig = (config: ExperimentConfig) => ({ config, issues: validateConfig(config) });
  return {
    ...withConfig(presetConfig('tiny')),
    ignored: [],
    data: { kind: 'builtin' },
    notices: [],
    setField: (field, value) => set(withConfig({ ...get().config, [field]: value })),
    setConfig: (config) => set(withConfig(config)),
    applyPreset: (name) => {
      const { config, data } = get();
      const next = { ...presetConfig(name), seed: config.seed };
      // Imported files stay in use when the preset's data set is theirs.
      const keepFiles = data.kind === 'files' && data.dataset === next.dataset;
      set({ ...withConfig(next), ...(keepFiles ? {} : { data: { kind: 'builtin' } as DataOrigin }) });
    },
    setDataset: (name) => {
      const { config: next, changes } = adaptToDataset(get().config, name);
      set(withConfig(next));
      const extra = changes.filter((c) => !c.startsWith('dataset'));
      if (extra.length)
        get().pushNotice({ tone: 'info', title: `Adapted the model to ${name}`, lines: [extra.join(', ')] });
    },
    setIgnored: (ignored) => set({ ignored }),
    setData: (data) => set({ data }),
    pushNotice: (n) => {
      const id = ++noticeId;
      set({ notices: [...get().notices.filter((x) => x.title !== n.title && (!n.topic || x.topic !== n.topic)), { ...n, id }] });
      return id;
    },
    dismissNotice: (id) => set({ notices: get().notices.filter((n) => n.id !== id) }),
  };
};
