// Progress bar with ETA and throughput; updated once per worker frame (≤ 4/s) through the store.
import { useStudio } from '../../store';
import { duration, int, num, pct } from '../../format';

const STATUS_TEXT: Record<string, string> = {
  idle: 'Ready', starting: 'Loading data and building the model…', running: 'Training', paused: 'Paused',
  evaluating: 'Evaluating the final model on the test set…', stopped: 'Stopped', finished: 'Finished',
};

export function Progress() {
  const status = useStudio((s) => s.status);
  const p = useStudio((s) => s.progress);
  const meta = useStudio((s) => s.meta);
  const lastEval = useStudio((s) => s.lastEval);
  const frames = useStudio((s) => s.frames);
  const planned = useStudio((s) => s.config.steps);
  const total = p.totalSteps || planned || 1;
  const frac = Math.min(1, p.step / total);
  const warming = status === 'running' && p.step === 0 && frames > 0;
  const evalSize = useStudio((s) => s.runConfig?.evalSize);
  const text = warming ? 'First step: compiling GPU kernels (can take ~10 s on a software GPU)…'
    : status === 'evaluating' && evalSize ? `Evaluating the final model on ${int(evalSize)} test images…`
    : STATUS_TEXT[status];
  return (
    <div className="progress-block">
      <div className="progress-head">
        <span className={`status-dot ${status}`} aria-hidden="true" />
        <span className="status-text" data-testid="run-status" data-status={status}>{text}</span>
        <span className="step-count">
          step <strong data-testid="step-counter">{p.step}</strong> / {int(total)}
        </span>
      </div>
      <div className={`progress${warming || status === 'starting' || status === 'evaluating' ? ' indeterminate' : ''}`}
        role="progressbar" aria-valuemin={0} aria-valuemax={total} aria-valuenow={p.step}>
        <div className="bar" style={{ width: `${100 * frac}%` }} />
      </div>
      <dl className="stats">
        <div><dt>ETA</dt><dd>{status === 'running' && Number.isFinite(p.etaMs) ? duration(p.etaMs) : '–'}</dd></div>
        <div><dt>steps/s</dt><dd>{Number.isFinite(p.stepsPerSec) ? num(p.stepsPerSec, 3) : '–'}</dd></div>
        <div><dt>images/s</dt><dd>{Number.isFinite(p.imagesPerSec) ? int(p.imagesPerSec) : '–'}</dd></div>
        <div><dt>elapsed</dt><dd>{p.elapsedMs ? duration(p.elapsedMs) : '–'}</dd></div>
        <div><dt>loss</dt><dd data-testid="last-loss">{Number.isFinite(p.lastLoss) ? p.lastLoss.toFixed(4) : '–'}</dd></div>
        <div>
          {/* Runs evaluate evalSize images, Load model the whole split: the label says which, so two numbers for one model explain themselves. */}
          <dt data-testid="test-acc-label">{lastEval ? `test acc., ${lastEval.count === meta?.testCount ? 'all' : `${int(lastEval.count)} img`}` : 'test acc.'}</dt>
          <dd data-testid="test-acc" title={lastEval ? `step ${lastEval.step}: ${lastEval.count === meta?.testCount ? `the whole test split (${int(lastEval.count)} images)` : `the first ${int(lastEval.count)} of ${meta ? int(meta.testCount) : 'the'} test images`}` : undefined}>{lastEval ? pct(lastEval.accuracy) : '–'}</dd>
        </div>
      </dl>
      {meta ? (
        <p className="muted small run-meta">
          {int(meta.paramsCount)} parameters · {int(meta.trainCount)} train / {int(meta.testCount)} test images ·
          set up in {duration(meta.setupMs) === '0 s' ? `${Math.round(meta.setupMs)} ms` : duration(meta.setupMs)}
          {meta.dataNotes.length ? <> · {meta.dataNotes.join(' ')}</> : null}
        </p>
      ) : null}
    </div>
  );
}
