// One zustand store made of three slices: experiment (what to run), run (how it goes, at low
// frequency) and view (what is on screen). Select narrowly: `useStudio((s) => s.config.method)`.
import { create } from 'zustand';
import { createExperimentSlice, type ExperimentSlice } from './experiment';
import { createRunSlice, type RunSlice } from './run';
import { createViewSlice, resolveTheme, type Theme, type ViewSlice } from './view';

export { isLive } from './run';

export type StudioState = ExperimentSlice & RunSlice & ViewSlice;

export const useStudio = create<StudioState>()((...a) => ({
  ...createExperimentSlice(...a),
  ...createRunSlice(...a),
  ...createViewSlice(...a),
}));

/** Plain access outside React (session, URL sync, keyboard). */
export const studio = useStudio;

export const useTheme = (): Theme => useStudio(resolveTheme);

/** The config the panels describe: the running one if any, else the one being edited. */
export const useActiveConfig = () => useStudio((s) => s.runConfig ?? s.config);
