// Which saved runs some page is recording now, in this browser: the page that records a run holds
// a Web Lock named after it, and the browser frees the lock the moment that page goes (closed,
// reloaded, crashed). A run still marked 'running' that no page holds was cut off: known at once,
// not after a quiet spell, and a page that shows another tab's run as live hears when it stops.
// Web Locks need a secure context (https or localhost): without them, runState falls back to the
// writer's quiet time (db.ts).

const PREFIX = 'sparse-vit-studio.run:';

interface Locks {
  request(name: string, callback: (lock: unknown) => Promise<void> | void): Promise<void>;
  query(): Promise<{ held?: { name?: string }[] }>;
}

const locks = (): Locks | null => (globalThis.navigator as { locks?: Locks } | undefined)?.locks ?? null;

export interface RunLock {
  /** Settles once this page holds the lock (at once without Web Locks). */
  held: Promise<void>;
  /** Lets it go (idempotent). */
  release(): void;
}

/** Holds the run's lock until release() (or until the page goes). Waits while another holder has it. */
export function lockRun(id: string): RunLock {
  const api = locks();
  if (!api) return { held: Promise.resolve(), release: () => undefined };
  let release = (): void => undefined;
  const released = new Promise<void>((r) => (release = r));
  const held = new Promise<void>((resolve) => {
    // A refused request (e.g. the page is going) leaves the run unlocked: saving goes on regardless.
    api.request(PREFIX + id, () => {
      resolve();
      return released;
    }).catch(() => resolve());
  });
  return { held, release };
}

/** The ids of the runs some page of this browser records now; null without Web Locks. */
export async function heldRunIds(): Promise<Set<string> | null> {
  const api = locks();
  if (!api) return null;
  const { held = [] } = await api.query();
  return new Set(held.flatMap((l) => (l.name?.startsWith(PREFIX) ? [l.name.slice(PREFIX.length)] : [])));
}

const watched = new Set<string>();

/** Calls `then` once the page recording the run lets it go (at once if none does). One watch per run. */
export function whenRunReleased(id: string, then: () => void): void {
  const api = locks();
  if (!api || watched.has(id)) return;
  watched.add(id);
  // Granted when the holder is gone; given back at once, so a Resume here can take it.
  void api.request(PREFIX + id, () => undefined).finally(() => {
    watched.delete(id);
    then();
  });
}
