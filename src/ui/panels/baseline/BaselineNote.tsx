// Under S²ViTE's heads and SViTE+'s tokens: what the method must beat at the same budget (its
// frozen topology, or fixed centre tokens) and the gap measured on this studio's own finished runs.
// Without a baseline run yet, one click sets the baseline up, so the gap is never taken on trust.
import { useMemo } from 'react';
import { mean } from '../../../engine/stats';
import { pct, points } from '../../format';
import { methodName } from '../../runs/labels';
import { baselineGap } from '../../runs/results-table';
import { useRuns } from '../../runs/store';
import { isLive, useActiveConfig, useStudio } from '../../store';

const runsText = (n: number): string => `${n} run${n === 1 ? '' : 's'}`;

export function BaselineNote() {
  const c = useActiveConfig();
  const runs = useRuns((s) => s.runs);
  const busy = useStudio((s) => isLive(s.status));
  const setConfig = useStudio((s) => s.setConfig);
  const g = useMemo(() => baselineGap(c, runs), [c, runs]);
  if (!g) return null;
  const name = methodName(g.methodConfig);
  // The side with no finished run yet is the one to set up (the baseline, usually).
  const missing = !g.base.length ? { config: g.baselineConfig, label: g.baseline.name } : !g.method.length ? { config: g.methodConfig, label: name } : null;
  const measured = g.method.length > 0 && g.base.length > 0;
  return (
    <p className="readout baseline-note" data-testid="baseline-note" data-gap={measured ? g.gap : ''}>
      {measured ? (
        <>
          <strong>{points(g.gap)}</strong> against its {g.baseline.name}: {name} {pct(mean(g.method))} ({runsText(g.method.length)}),{' '}
          {g.baseline.name} {pct(mean(g.base))} ({runsText(g.base.length)}); finished runs of this experiment, any seed.{' '}
        </>
      ) : (
        <>
          Baseline: <strong>{g.baseline.name}</strong>, {g.baseline.meaning}.{' '}
          {g.base.length ? `${name} has no finished run of this experiment yet.` : `Train it to see whether ${name} beats it here.`}{' '}
        </>
      )}
      {missing ? (
        <button type="button" className="link" disabled={busy} data-testid="baseline-setup" title={busy ? 'Stop the run that trains first' : undefined}
          onClick={() => setConfig(missing.config)}>Set up the {missing.label} run</button>
      ) : null}
    </p>
  );
}
