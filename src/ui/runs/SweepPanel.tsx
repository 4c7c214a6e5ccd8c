// The "Paper table" sweep: queue the sweep methods × N seeds on the edited experiment, watch the
// table (mean ± std over seeds) and the scatter fill in, cancel, resume after a reload, share it.
import { useEffect, useRef, useState } from 'react';
import { isLive, useStudio } from '../store';
import * as session from '../session/session';
import { pct, points } from '../format';
import { accuracyFlopsChart, familyColour } from '../panels/charts/accuracy-flops';
import { sweepRow } from '../../engine/facts/paper-rows';
import { cancelSweep, loadQueuedSweep, queueSweep, resumeSweep, sweepSeeds } from './sweep';
import { sweepTable, type SweepRow } from './results-table';
import { ALL_METHODS, DEFAULT_SEEDS, parseSweepParams, sweepLink } from '../url/sweep-link';
import { useRuns } from './store';

export function SweepPanel() {
  const sweep = useRuns((s) => s.sweep);
  const runs = useRuns((s) => s.runs);
  const liveId = useRuns((s) => s.liveId);
  const status = useStudio((s) => s.status);
  const config = useStudio((s) => s.config);
  // A sweep link (sweep=methods&seeds=N) sets the sweep up; the user starts it.
  const [fromLink] = useState(() => parseSweepParams(location.search));
  const linked = fromLink && typeof fromLink !== 'string' ? fromLink : null;
  const methods = linked?.methods ?? ALL_METHODS;
  const [seeds, setSeeds] = useState(linked?.seeds ?? DEFAULT_SEEDS);
  const [copied, setCopied] = useState(false);
  useEffect(() => void loadQueuedSweep(), []);
  // After a reload mid-sweep the box shows the queued sweep's seeds, not the default.
  const queued = sweep?.status === 'queued' ? sweep : null;
  useEffect(() => {
    if (queued && !linked) setSeeds(sweepSeeds(queued));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [queued?.id]);
  const busy = isLive(status);
  const rows = sweep ? sweepTable(sweep, runs) : [];
  const running = sweep?.status === 'queued' && sweep.runIds.includes(liveId) && busy;
  const done = sweep ? sweep.runIds.filter((id) => runs.find((r) => r.id === id)?.status === 'finished').length : 0;
  const share = (): void => {
    void navigator.clipboard?.writeText(sweepLink(config, methods, seeds, location.origin)).then(() => setCopied(true), () => setCopied(false));
  };
  return (
    <div className="sweep" data-testid="sweep">
      <div className="compare-controls">
        <h4>Paper table</h4>
        <span className="muted" data-testid="sweep-methods">{methods.map((m) => sweepRow(m).name).join(', ')} on the edited experiment</span>
        <label>seeds <input type="number" min={1} max={20} value={seeds} onChange={(e) => setSeeds(Math.max(1, Math.min(20, Number(e.target.value) || 1)))} style={{ width: 52 }} data-testid="sweep-seeds" /></label>
        <button type="button" className="btn small" disabled={busy} data-testid="sweep-start" title={busy ? 'Stop the run that trains first' : `Queue ${methods.length * seeds} runs, trained one after another`}
          onClick={() => void queueSweep(config, methods, seeds)}>Run the paper table</button>
        <button type="button" className="btn small ghost" onClick={share} data-testid="sweep-share">{copied ? 'Link copied' : 'Copy sweep link'}</button>
      </div>
      {typeof fromLink === 'string' ? <p className="banner error" role="alert">{fromLink}</p> : null}
      {sweep ? (
        <>
          <div className="compare-controls">
            <span data-testid="sweep-status" data-status={sweep.status}>{sweep.name}: {done} of {sweep.links.length} runs done · {sweep.status === 'queued' ? (running ? 'training' : 'waiting') : sweep.status}</span>
            {sweep.status === 'queued' && !running ? <button type="button" className="btn small" disabled={busy} data-testid="sweep-resume" onClick={resumeSweep}>Resume</button> : null}
            {sweep.status === 'queued' ? <button type="button" className="btn small ghost" data-testid="sweep-cancel" onClick={() => void cancelSweep(session.stop)}>Cancel</button> : null}
          </div>
          <div className="compare-charts">
            <table className="runs-table" data-testid="sweep-table">
              <thead><tr><th>Method</th><th>Runs</th><th>Accuracy (mean ± std)</th><th title="S²ViTE against its frozen topology, SViTE+ against fixed centre tokens: the same budget">vs baseline</th><th>FLOPs saved</th></tr></thead>
              <tbody>{rows.map((r) => (
                <tr key={r.label} data-testid="sweep-row"><td>{r.label}</td><td>{r.done} / {r.total}</td>
                  <td>{r.done ? `${pct(r.mean)} ± ${(100 * r.std).toFixed(1)}` : '–'}</td>
                  <td data-testid="sweep-gap" title={r.baseline ? `${r.label} minus ${r.baseline}` : undefined}>{r.baseline ? points(r.gap) : ''}</td><td>{pct(r.saved)}</td></tr>
              ))}</tbody>
            </table>
            <SweepScatter rows={rows} />
          </div>
        </>
      ) : null}
    </div>
  );
}

function SweepScatter({ rows }: { rows: SweepRow[] }) {
  const host = useRef<HTMLDivElement>(null);
  const key = rows.map((r) => `${r.label}:${r.done}:${r.mean}`).join('|');
  useEffect(() => {
    const points = rows.filter((r) => r.done).map((r) => ({ name: r.label, saved: 100 * r.saved, accuracy: 100 * r.mean, std: 100 * r.std, colour: familyColour(r.label) }));
    if (!points.length) return;
    const el = host.current!;
    const plot = accuracyFlopsChart(el, points, { title: '', width: Math.max(240, Math.floor(el.getBoundingClientRect().width)), height: 190 });
    return () => plot.destroy();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return <div ref={host} data-testid="sweep-scatter" />;
}
