// The header's Runs button: opens the history; its count says how many runs are saved.
import { useEffect } from 'react';
import { refresh } from './runs';
import { useRuns } from './store';

export function RunsButton() {
  const open = useRuns((s) => s.open);
  const count = useRuns((s) => s.runs.length);
  const quota = useRuns((s) => s.quota !== null);
  useEffect(() => void refresh(), []);
  return (
    <button type="button" className={`btn${open ? ' primary' : ''}${quota ? ' danger' : ''}`} data-testid="runs-toggle" aria-expanded={open}
      title="Saved runs: open, compare, the paper's table" onClick={() => useRuns.getState().setOpen(!open)}>
      Runs{count ? ` (${count})` : ''}
    </button>
  );
}
