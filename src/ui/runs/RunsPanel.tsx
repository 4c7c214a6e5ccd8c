// The run history: every run saved as it trains. Open one (read-only in the panels), rename, star,
// delete, pick two or more to compare; storage used against the browser's quota.
import { useEffect, useState } from 'react';
import './runs.css';
import { bytes, pct } from '../format';
import * as session from '../session/session';
import { runState, type RunRecord } from './db';
import { exportRun, importRun, refresh, remove, rename, star } from './runs';
import { download } from '../export/download';
import { RUN_FILE_SUFFIX } from './run-file';
import { methodName } from './labels';
import { useRuns } from './store';
import { isLive, useStudio } from '../store';
import { FIRST_CHECKPOINT_MS } from '../../protocol/messages';
import { ComparePanel } from './ComparePanel';
import { SweepPanel } from './SweepPanel';

const date = (t: number): string => new Date(t).toISOString().slice(0, 16).replace('T', ' ');

export function RunsPanel() {
  const open = useRuns((s) => s.open);
  const runs = useRuns((s) => s.runs);
  const storage = useRuns((s) => s.storage);
  const quota = useRuns((s) => s.quota);
  const writeError = useRuns((s) => s.writeError);
  const picked = useRuns((s) => s.picked);
  useEffect(() => {
    if (open) void refresh();
  }, [open]);
  if (!open) return null;
  const comparable = picked.filter((id) => runs.some((r) => r.id === id));
  return (
    <section className="card runs-panel" aria-label="Runs" data-testid="runs-panel">
      <header className="runs-head">
        <h3>Runs <span className="muted">({runs.length} saved)</span></h3>
        <span className="muted" data-testid="runs-storage">
          {storage ? `${bytes(storage.usage)} of ${bytes(storage.quota)} used` : 'storage use unknown'}
        </span>
        <ImportRunButton />
        <button type="button" className="icon-btn close" aria-label="Close the runs panel" onClick={() => useRuns.getState().setOpen(false)}>×</button>
      </header>
      {quota ? <p className="banner error" role="alert" data-testid="quota-message">{quota.message}</p> : null}
      {writeError ? <p className="banner error" role="alert" data-testid="history-error">{writeError}</p> : null}
      {runs.length ? (
        <div className="runs-table-wrap">
          <table className="runs-table runs-list" data-testid="runs-table">
            <thead>
              <tr><th aria-label="Compare" /><th aria-label="Star" /><th>Name</th><th>Method</th><th>Preset</th><th>Accuracy</th><th>FLOPs saved</th><th>Date</th><th>Status</th><th aria-label="Actions" /></tr>
            </thead>
            <tbody>{runs.map((r) => <RunRow key={r.id} r={r} picked={picked.includes(r.id)} />)}</tbody>
          </table>
        </div>
      ) : <p className="muted">No saved runs yet: every run is saved here as it trains.</p>}
      {comparable.length >= 2 ? <ComparePanel ids={comparable} /> : runs.length >= 2 ? <p className="muted">Tick two or more runs to compare them.</p> : null}
      <SweepPanel />
    </section>
  );
}

function RunRow({ r, picked }: { r: RunRecord; picked: boolean }) {
  const liveId = useRuns((s) => s.liveId);
  const viewingId = useRuns((s) => s.viewingId);
  const held = useRuns((s) => s.held);
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const status = runState(r, Date.now(), liveId, held);
  const live = r.id === liveId && status === 'running';
  // Opening a saved run replaces the panels' content: not while another run trains there.
  const busy = useStudio((s) => isLive(s.status));
  // Cut off (reload, crash) or stopped before its end, with a checkpoint to go on from.
  const cut = status === 'interrupted' || status === 'stopped';
  const resumable = cut && r.checkpointStep !== undefined && r.checkpointStep < r.totalSteps;
  // Continue: as many steps again as the run was configured for.
  const continuable = status === 'finished' && r.checkpointStep === r.totalSteps;
  return (
    <tr data-testid="run-row" data-run-id={r.id} className={viewingId === r.id ? 'viewing' : undefined}>
      <td><input type="checkbox" checked={picked} aria-label={`Compare ${r.name}`} data-testid="run-pick" onChange={() => useRuns.getState().togglePick(r.id)} /></td>
      <td>
        <button type="button" className={`star${r.starred ? ' on' : ''}`} aria-pressed={r.starred} title={r.starred ? 'Starred: kept when making room' : 'Star'}
          data-testid="run-star" onClick={() => void star(r.id, !r.starred)}>{r.starred ? '★' : '☆'}</button>
      </td>
      <td className="run-name">
        {editing ? (
          <input autoFocus defaultValue={r.name} aria-label="Run name" data-testid="run-name-input"
            onBlur={(e) => { setEditing(false); if (e.target.value.trim()) void rename(r.id, e.target.value.trim()); }}
            onKeyDown={(e) => { if (e.key === 'Enter') (e.target as HTMLInputElement).blur(); if (e.key === 'Escape') setEditing(false); }} />
        ) : <button type="button" className="link" title="Rename" data-testid="run-name" onClick={() => setEditing(true)}>{r.name}</button>}
      </td>
      <td data-label="Method">{methodName(r.config)}</td>
      <td data-label="Preset">{r.preset}</td>
      <td data-label="Accuracy" data-testid="run-accuracy">{pct(r.accuracy)}</td>
      <td data-label="FLOPs saved">{r.flops ? pct(r.flops.savedTheoretical) : '–'}</td>
      <td data-label="Date">{date(r.startedAt)}</td>
      <td data-label="Status" data-testid="saved-run-status" data-status={status}
        title={cut && r.checkpointStep === undefined ? `It ended before its first checkpoint (after ${FIRST_CHECKPOINT_MS / 1000} s of training): it cannot be resumed, only started again` : undefined}>
        {/* Its last step done and still running: the final evaluation (seconds on a GPU). */}
        {status === 'running' && r.step >= r.totalSteps ? 'evaluating' : status}{status !== 'finished' ? ` at ${r.step}/${r.totalSteps}` : ''}{cut && r.checkpointStep === undefined ? ' · no checkpoint' : ''}
      </td>
      <td className="run-actions">
        <button type="button" className="btn small" data-testid="run-open" disabled={busy} title={busy ? 'Stop the run that trains first (it is saved as it goes)' : 'Show this run in the panels (read-only)'}
          onClick={() => void session.openSaved(r.id)}>Open</button>
        {resumable ? (
          <button type="button" className="btn small" data-testid="run-resume" disabled={busy}
            title={busy ? 'Stop the run that trains first (it is saved as it goes)' : `Go on training from its checkpoint at step ${r.checkpointStep}`}
            onClick={() => void session.resumeSaved(r.id)}>Resume from {r.checkpointStep}</button>
        ) : null}
        {continuable ? (
          <button type="button" className="btn small" data-testid="run-continue" disabled={busy}
            title={busy ? 'Stop the run that trains first (it is saved as it goes)' : `Train ${r.config.steps} more steps from its end, at the final learning rate (minLr), with the topology fixed`}
            onClick={() => void session.resumeSaved(r.id, r.config.steps)}>Continue +{r.config.steps}</button>
        ) : null}
        <button type="button" className="btn small ghost" data-testid="run-export" title="Save this run (config, curves, evaluations, snapshots) as one file; Import brings it back"
          onClick={() => void exportRun(r.id).then((f) => f && download(f.name, f.bytes, 'application/gzip'))}>Export</button>
        {confirming ? (
          <button type="button" className="btn small danger" data-testid="run-delete-confirm" onBlur={() => setConfirming(false)}
            onClick={() => void remove(r.id)}>Delete {bytes(r.bytes)}?</button>
        ) : (
          <button type="button" className="btn small ghost" data-testid="run-delete" disabled={live} title={live ? 'Stop the run first' : 'Delete this run'}
            onClick={() => setConfirming(true)}>Delete</button>
        )}
      </td>
    </tr>
  );
}

/** Brings back a run file from Export (here or in another browser) as a new saved run. */
function ImportRunButton() {
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const onFile = async (file: File): Promise<void> => {
    try {
      const r = await importRun(file.name, new Uint8Array(await file.arrayBuffer()));
      setMessage({ ok: true, text: `Imported "${r.name}".` });
    } catch (err) {
      setMessage({ ok: false, text: `${err instanceof Error ? err.message : String(err)} Nothing was changed.` });
    }
  };
  return (
    <>
      <label className="btn small ghost" title={`Import a run file (${RUN_FILE_SUFFIX}) exported from the Runs panel`}>
        Import
        <input type="file" accept={`${RUN_FILE_SUFFIX},.gz`} hidden data-testid="run-import"
          onChange={(e) => { const f = e.target.files?.[0]; e.target.value = ''; if (f) void onFile(f); }} />
      </label>
      {message ? <p className={`banner ${message.ok ? 'info' : 'error'} runs-import-note`} role={message.ok ? 'status' : 'alert'} data-testid="run-import-note">{message.text}</p> : null}
    </>
  );
}
