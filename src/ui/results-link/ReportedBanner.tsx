// Results from a link: marked as reported (trained elsewhere), with "Re-run to verify", which
// trains the same config here and then sets the reported figures beside the measured ones.
import { useStudio } from '../store';
import * as session from '../session/session';
import { runData } from '../frames/run-data';
import { duration, pct } from '../format';
import { toFlops } from '../../engine/flops';
import { useReported } from './reported';

const gflops = (macs: number): string => `${(toFlops(macs) / 1e9).toPrecision(3)} GFLOPs`;

export function ReportedBanner() {
  const reported = useReported((s) => s.reported);
  const verifying = useReported((s) => s.verifying);
  const status = useStudio((s) => s.status);
  const lastEval = useStudio((s) => s.lastEval);
  // Only a finished re-run's time is shown: the live clock would re-render the banner every frame.
  const elapsedMs = useStudio((s) => (s.status === 'finished' ? s.progress.elapsedMs : 0));
  if (!reported) return null;
  const s = reported.summary;
  const c = reported.config;
  const done = verifying && status === 'finished';
  const frame = done ? runData.latest : null;
  const rows: [string, string, string, string][] = frame && lastEval ? [
    ['test accuracy', pct(s.test.accuracy, 2), pct(lastEval.accuracy, 2),
      s.test.accuracy !== null && lastEval.accuracy !== null ? `${((lastEval.accuracy - s.test.accuracy) * 100).toFixed(2)} points` : '–'],
    ['test loss', s.test.loss.toFixed(4), lastEval.loss.toFixed(4), (lastEval.loss - s.test.loss).toFixed(4)],
    ['global density', s.globalDensity.toFixed(4), frame.snapshot.globalDensity.toFixed(4), (frame.snapshot.globalDensity - s.globalDensity).toFixed(4)],
    ['executed FLOPs', gflops(s.flops.executed), gflops(frame.flops.executed), frame.flops.executed === s.flops.executed ? 'same' : gflops(frame.flops.executed - s.flops.executed)],
    ['training time', duration(s.elapsedMs), duration(elapsedMs), `${(elapsedMs / Math.max(1, s.elapsedMs)).toFixed(2)}×`],
  ] : [];
  return (
    <div className="banners"><div className="banner info reported" role="status" data-testid="reported-banner">
      <div className="banner-body">
        <strong>Reported results</strong>: opened from a link, not trained here ({c.method}, seed {c.seed}, {s.step} steps on {s.backend} in {duration(s.elapsedMs)}).
        {!verifying ? <> The panels show the link's summary (no learning-rate curve, no confusion matrix: the link does not carry them).</> : null}
        {verifying && !done ? <p data-testid="reported-verifying">Re-running the same config to verify… the figures will be compared here when it finishes.</p> : null}
        {done ? (
          <table className="reported-diff" data-testid="reported-diff">
            <thead><tr><th /><th>reported</th><th>this run</th><th>difference</th></tr></thead>
            <tbody>{rows.map(([k, a, b, d]) => <tr key={k}><th>{k}</th><td>{a}</td><td>{b}</td><td>{d}</td></tr>)}</tbody>
          </table>
        ) : null}
      </div>
      {!verifying ? (
        <button type="button" className="btn small" data-testid="rerun-verify" onClick={() => session.start()}>Re-run to verify</button>
      ) : null}
    </div></div>
  );
}
