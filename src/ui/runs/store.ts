// The Runs panel's state: the saved runs (low frequency: refreshed after each flush at most once a
// second), storage use, the run being recorded, the saved run on screen, a quota problem, and the
// runs picked for comparison. Typed arrays of saved runs stay out of here (loaded on demand).
import { create } from 'zustand';
import type { RunRecord, SweepRecord } from './db';
import type { StorageUse } from './history';

export interface QuotaProblem {
  message: string;
  /** Frames kept in memory until a write succeeds. */
  unsaved: number;
}

export interface RunsState {
  open: boolean;
  runs: RunRecord[];
  storage: StorageUse | null;
  /** The run being recorded now. */
  liveId: string | null;
  /** Runs some page records now (their locks, live-lock.ts), as of the last refresh; null without Web Locks. */
  held: ReadonlySet<string> | null;
  /** The saved run shown read-only in the panels (null: the live one, if any). */
  viewingId: string | null;
  quota: QuotaProblem | null;
  /** Another write error (not quota): shown, never swallowed. */
  writeError: string | null;
  picked: string[];
  /** The newest sweep (queued, done or cancelled). */
  sweep: SweepRecord | null;
  setOpen: (open: boolean) => void;
  togglePick: (id: string) => void;
}

export const useRuns = create<RunsState>()((set, get) => ({
  // A sweep link opens the panel that holds the sweep.
  open: typeof location !== 'undefined' && new URLSearchParams(location.search).has('sweep'),
  runs: [],
  storage: null,
  liveId: null,
  held: null,
  viewingId: null,
  quota: null,
  writeError: null,
  picked: [],
  sweep: null,
  setOpen: (open) => set({ open }),
  togglePick: (id) => {
    const picked = get().picked;
    set({ picked: picked.includes(id) ? picked.filter((p) => p !== id) : [...picked, id] });
  },
}));
