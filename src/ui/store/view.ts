// The view slice: what the user looks at (selected layer, zoom, theme, overlays).
import type { StateCreator } from 'zustand';
import type { Theme } from '../canvas/theme';
import type { StudioState } from './index';

export type { Theme };
export type ThemeChoice = 'system' | 'light' | 'dark';

export interface ViewSlice {
  /** timm name of the weight shown in the mask panel ('' = the first one). */
  selectedLayer: string;
  /** Mask panel scale: CSS pixels per weight; 0 = fit the panel. */
  maskZoom: number;
  themeChoice: ThemeChoice;
  systemTheme: Theme;
  helpOpen: boolean;
  shareOpen: boolean;
  dragging: boolean;
  selectLayer: (name: string) => void;
  setMaskZoom: (z: number) => void;
  setThemeChoice: (t: ThemeChoice) => void;
  setSystemTheme: (t: Theme) => void;
  setHelpOpen: (open: boolean) => void;
  setShareOpen: (open: boolean) => void;
  setDragging: (d: boolean) => void;
}

const systemDark = (): boolean =>
  typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;

export const createViewSlice: StateCreator<StudioState, [], [], ViewSlice> = (set) => ({
  selectedLayer: '',
  maskZoom: 0,
  themeChoice: 'system',
  systemTheme: systemDark() ? 'dark' : 'light',
  helpOpen: false,
  shareOpen: false,
  dragging: false,
  selectLayer: (selectedLayer) => set({ selectedLayer }),
  setMaskZoom: (maskZoom) => set({ maskZoom }),
  setThemeChoice: (themeChoice) => set({ themeChoice }),
  setSystemTheme: (systemTheme) => set({ systemTheme }),
  setHelpOpen: (helpOpen) => set({ helpOpen }),
  setShareOpen: (shareOpen) => set({ shareOpen }),
  setDragging: (dragging) => set({ dragging }),
});

export const resolveTheme = (s: Pick<ViewSlice, 'themeChoice' | 'systemTheme'>): Theme =>
  s.themeChoice === 'system' ? s.systemTheme : s.themeChoice;
