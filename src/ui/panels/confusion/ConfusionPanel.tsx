// Confusion matrix of the latest evaluation (rows: true class, columns: predicted; row-normalised).
import { useRef } from 'react';
import { palette } from '../../canvas/palette';
import { pixelCanvas } from '../../canvas/pixels';
import { useFrameDraw } from '../../canvas/hooks';
import { runData } from '../../frames/run-data';
import { useStudio, useTheme } from '../../store';
import { pct } from '../../format';
import { Ramp } from '../Panel';
import { drawConfusion } from './draw';

export function ConfusionPanel() {
  const theme = useTheme();
  const p = palette(theme);
  const names = useStudio((s) => s.meta?.classNames);
  const evalStep = useStudio((s) => s.lastEval?.step);
  const canvas = useRef<HTMLCanvasElement>(null);
  const hover = useRef<HTMLSpanElement>(null);
  const k = runData.lastEval?.numClasses ?? names?.length ?? 10;

  useFrameDraw('confusion', () => {
    if (!canvas.current) return;
    const px = pixelCanvas(canvas.current);
    const e = runData.lastEval;
    const n = e?.numClasses ?? k;
    const out = px.begin(n, n);
    if (e) drawConfusion(out, e.confusion, n, p.seq);
    else out.fill(p.px.off);
    px.end();
  }, [theme, k], () => runData.lastEval);

  const onMove = (ev: React.MouseEvent<HTMLCanvasElement>): void => {
    const e = runData.lastEval;
    if (!e || !hover.current) return;
    const r = ev.currentTarget.getBoundingClientRect();
    const col = Math.floor(((ev.clientX - r.left) / r.width) * e.numClasses), row = Math.floor(((ev.clientY - r.top) / r.height) * e.numClasses);
    let total = 0;
    for (let j = 0; j < e.numClasses; j++) total += e.confusion[row * e.numClasses + j];
    const v = e.confusion[row * e.numClasses + col];
    hover.current.textContent = `true ${names?.[row] ?? row} → predicted ${names?.[col] ?? col}: ${v} (${pct(total ? v / total : 0)})`;
  };

  return (
    <figure className="card confusion" data-testid="panel-confusion">
      <figcaption>Confusion matrix <span className="muted">{evalStep !== undefined ? `test split, step ${evalStep}` : 'at each evaluation'}</span></figcaption>
      <div className="confusion-body">
        <div className="cm-axis-y">{Array.from({ length: k }, (_, i) => <span key={i} title={names?.[i]}>{names?.[i] ?? i}</span>)}</div>
        <div className="cm-main">
          <canvas ref={canvas} className="pixelated cm" data-testid="canvas-confusion" onMouseMove={onMove} />
          <div className="cm-axis-x">{Array.from({ length: k }, (_, i) => <span key={i} title={names?.[i]}>{(names?.[i] ?? String(i)).slice(0, 3)}</span>)}</div>
        </div>
      </div>
      <p className="readout"><span className="muted">rows: true class · columns: predicted</span> <span ref={hover} /></p>
      <Ramp stops={p.seqStops} from="0" to="row share 1" />
    </figure>
  );
}
