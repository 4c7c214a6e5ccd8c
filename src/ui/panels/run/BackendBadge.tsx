// The backend the worker really runs on. Clicked, it opens what was measured to choose it, the
// picker (automatic, or one backend by name, kept in the link as `backend=`) and "measure again".
import { useCallback, useState } from 'react';
import { useClickAway } from '../../controls/click-away';
import { isLive, useStudio } from '../../store';
import * as session from '../../session/session';
import { BACKEND_NAMES, type BackendInfo, type BackendName } from '../../../protocol/messages';
import { BACKEND_LABEL, describeCalibration } from '../../../protocol/calibration';

export function BackendBadge() {
  const info = useStudio((s) => s.backend);
  const pending = useStudio((s) => s.backendPending);
  const [open, setOpen] = useState(false);
  const close = useCallback(() => setOpen(false), []);
  const root = useClickAway<HTMLSpanElement>(open, close); // like Share and Export
  if (pending) return <span className="badge pending" data-testid="backend-badge" data-backend="">choosing a backend…</span>;
  if (!info) return <span className="badge bad" data-testid="backend-badge" data-backend="none">no backend</span>;
  const rate = info.calibration?.measurements.find((m) => m.backend === info.backend)?.imagesPerSec;
  return (
    <span className="backend-anchor" ref={root}>
      <button type="button" className={`badge ${info.fallbackReason ? 'warn' : 'ok'}`} data-testid="backend-badge" data-backend={info.backend}
        aria-expanded={open} onClick={() => setOpen(!open)}
        title={`Backend: ${info.backend} (${info.requested ? `requested ${info.requested}` : 'chosen automatically'}). Adapter: ${info.adapter}. Cross-origin isolated: ${info.crossOriginIsolated ? 'yes' : 'no'}. Click for the measurements and the picker.`}>
        <strong>{BACKEND_LABEL[info.backend]}</strong>
        <span className="adapter">
          {info.requested ? 'forced' : info.calibration ? `auto${rate ? ` · ${Math.round(rate)} img/s` : ''}` : info.backend === 'webgpu' ? info.adapter : info.fallbackReason ? 'fallback' : ''}
        </span>
      </button>
      {open ? <BackendDetails info={info} onClose={() => setOpen(false)} /> : null}
    </span>
  );
}

function BackendDetails({ info, onClose }: { info: BackendInfo; onClose: () => void }) {
  const status = useStudio((s) => s.status);
  const busy = isLive(status);
  const cal = info.calibration;
  const choice = session.backendChoice();
  return (
    <div className="backend-details" role="dialog" aria-label="Training backend" data-testid="backend-details">
      {cal ? (
        <>
          <p data-testid="backend-summary">{describeCalibration(cal)}</p>
          <table className="ref">
            <thead><tr><th>backend</th><th>device</th><th>first step</th><th>images/s</th></tr></thead>
            <tbody>
              {cal.measurements.map((m) => (
                <tr key={m.backend} data-backend={m.backend} className={m.backend === cal.chosen ? 'chosen' : undefined}>
                  <td>{BACKEND_LABEL[m.backend]}</td>
                  <td>{m.device ?? ''}{m.software ? ' (software)' : ''}</td>
                  <td>{m.firstStepMs !== undefined ? `${m.firstStepMs} ms` : '–'}</td>
                  <td>{m.imagesPerSec !== undefined ? Math.round(m.imagesPerSec) : m.skipped}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted small">
            {cal.fromCache ? `Remembered from ${new Date(cal.measuredAt).toLocaleString()} (this adapter, these shapes).` : `Measured just now in ${(cal.costMs / 1000).toFixed(1)} s.`}
            {' '}Shapes: {cal.shapes}.
          </p>
        </>
      ) : (
        <p>{info.requested ? `Forced with backend=${info.requested}: nothing measured.` : 'Chosen in the fixed order WebGPU → WebGL → WASM → CPU (this config is not measured).'}</p>
      )}
      <p className="muted small">
        Adapter: {info.adapter}.{info.wasmThreads ? ` WASM threads: ${info.wasmThreads}.` : ''} Cross-origin isolated: {info.crossOriginIsolated ? 'yes' : 'no'}.
      </p>
      <div className="backend-pick">
        <label>
          Backend{' '}
          <select data-testid="backend-picker" value={choice ?? 'auto'} disabled={busy}
            onChange={(e) => {
              onClose();
              session.pickBackend(e.target.value === 'auto' ? undefined : (e.target.value as BackendName));
            }}>
            <option value="auto">automatic (fastest measured)</option>
            {BACKEND_NAMES.map((b) => <option key={b} value={b}>{BACKEND_LABEL[b]}</option>)}
          </select>
        </label>
        <button type="button" className="btn" data-testid="backend-remeasure" disabled={busy || Boolean(choice)} onClick={() => {
          onClose();
          session.remeasureBackends();
        }}>
          Measure again
        </button>
        <button type="button" className="btn ghost" onClick={onClose}>Close</button>
      </div>
    </div>
  );
}
