// FLOPs and parameters of the configuration before it runs (closed form, engine/flops.ts):
// dense, theoretical (nonzeros only, the paper's count) and executed (what our kernels compute).
import { useMemo } from 'react';
import { computeFlops, flopsForConfig, stateForConfig, toFlops } from '../../../engine/flops';
import { useStudio } from '../../store';
import { flops, int, pct, si } from '../../format';

export function FlopsCalculator() {
  const c = useStudio((s) => s.config);
  const valid = useStudio((s) => s.issues.length === 0);
  const report = useMemo(() => (valid ? flopsForConfig(c) : null), [c, valid]);
  const paper = useMemo(
    () => (valid && c.method === 's2vite' ? computeFlops(c, { ...stateForConfig(c), projConvention: 'paper' }) : null),
    [c, valid],
  );
  if (!report) return <p className="muted small">Fix the marked settings to see FLOPs.</p>;
  const rows: { label: string; title: string; macs: number; saved?: number; cls?: string }[] = [
    { label: 'Dense', title: 'The same ViT without any sparsity', macs: report.dense },
    { label: 'Theoretical', title: 'Nonzero weights only: how the paper counts', macs: report.theoretical, saved: report.savedTheoretical, cls: 'theo' },
    ...(paper ? [{ label: 'Theoretical, paper convention', title: "S²ViTE as the paper counts it: a removed head's proj input columns still cost", macs: paper.theoretical, saved: paper.savedTheoretical, cls: 'theo' }] : []),
    { label: 'Executed', title: 'What our kernels compute: unstructured zeros still run; removed heads, neurons and dropped tokens do not', macs: report.executed, saved: report.savedExecuted, cls: 'exec' },
  ];
  return (
    <div className="flops-calc" data-testid="flops-calculator">
      <table>
        <thead><tr><th /><th>per image</th><th>saved</th></tr></thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.label} title={r.title} className={r.cls}>
              <th scope="row">{r.label}</th>
              <td>{flops(r.macs)}</td>
              <td>{r.saved === undefined ? '' : pct(r.saved)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table className="params">
        <tbody>
          <tr><th scope="row">Parameters</th><td>{int(report.params.dense)}</td><td className="muted">dense</td></tr>
          <tr><th scope="row" /><td>{int(report.params.nonzero)}</td><td className="muted">nonzero</td></tr>
          <tr><th scope="row" /><td>{int(report.params.executed)}</td><td className="muted">executed</td></tr>
        </tbody>
      </table>
      <p className="hint">
        FLOPs = 2 × MACs of the forward pass, matmuls only ({report.tokens} tokens per block). A training step costs
        about 3× forward per image: ≈ {si(3 * toFlops(report.executed) * c.batchSize)}FLOPs executed per step at batch {c.batchSize}.
        {paper ? ' S²ViTE: the paper keeps proj full-size; ours drops a removed head’s proj columns too.' : ''}
      </p>
    </div>
  );
}
