// The tab title follows the run, so a run in a background tab can be watched from the tab strip.
import type { RunStatus } from './store/run';
import { studio } from './store';

export const APP_TITLE = 'Sparse ViT Studio';

export function titleFor(status: RunStatus, step: number, totalSteps: number): string {
  const pct = totalSteps > 0 ? `${Math.floor((100 * step) / totalSteps)}%` : '';
  switch (status) {
    case 'running': return `▶ ${pct} · step ${step}/${totalSteps} · ${APP_TITLE}`;
    case 'paused': return `⏸ ${pct} · step ${step}/${totalSteps} · ${APP_TITLE}`;
    case 'evaluating': return `⧗ evaluating · ${APP_TITLE}`;
    case 'finished': return `✓ done · ${APP_TITLE}`;
    case 'stopped': return `■ stopped at step ${step} · ${APP_TITLE}`;
    default: return APP_TITLE;
  }
}

/** Keeps document.title in step with the store, without re-rendering anything; returns unsubscribe. */
export function startTitleSync(): () => void {
  const write = (): void => {
    const s = studio.getState();
    const title = titleFor(s.status, s.progress.step, s.progress.totalSteps);
    if (document.title !== title) document.title = title;
  };
  write();
  const unsub = studio.subscribe(write);
  return () => {
    unsub();
    document.title = APP_TITLE;
  };
}
