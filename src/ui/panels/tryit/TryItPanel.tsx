// Try it: draw, pick or drop an image, or take a test image, and see what the current model makes
// of it: the top-5 classes, the tokens SViTE+ keeps, and the cls token's attention per block and
// live head. It runs in the worker on the run's model, between steps.
import { useEffect, useRef, useState } from 'react';
import type { TriedEvent, TryInput } from '../../../protocol/messages';
import { hex } from '../../canvas/lut';
import { palette } from '../../canvas/palette';
import { pixelCanvas } from '../../canvas/pixels';
import { useReported } from '../../results-link/reported';
import * as session from '../../session/session';
import { useStudio, useTheme } from '../../store';
import { Panel, Ramp } from '../Panel';
import { drawTokens } from '../tokens/draw';
import { drawAttentionMap } from './pixels';
import { attachPen, clearSketch, paintImage, paintInput, readInput } from './sketch';
import './tryit.css';

export function TryItPanel() {
  const status = useStudio((s) => s.status);
  const config = useStudio((s) => s.runConfig);
  const testCount = useStudio((s) => s.meta?.testCount ?? 0);
  const linkOnly = useReported((s) => s.reported !== null && !s.verifying);
  const hasModel = config !== null && status !== 'idle' && status !== 'starting' && !linkOnly;
  const na = hasModel ? null : linkOnly
    ? 'These results came from a link: there is no model behind them. Re-run the experiment to try it on your own images.'
    : 'No model yet: start a run (or load a model) and try it here on a drawing, an image file or a test image.';
  return (
    <Panel title="Try it" testid="panel-tryit" id="panel-tryit" na={na}
      sub="draw (mouse, touch or pen), pick or drop an image, or take a test image: the current model at evaluation, in the worker">
      {config && hasModel ? <TryIt key={JSON.stringify(config)} size={config.imageSize} channels={config.inChans} testCount={testCount} /> : null}
    </Panel>
  );
}

function TryIt({ size, channels, testCount }: { size: number; channels: number; testCount: number }) {
  const sketch = useRef<HTMLCanvasElement>(null);
  const file = useRef<HTMLInputElement>(null);
  const [testIndex, setTestIndex] = useState(0);
  const [result, setResult] = useState<TriedEvent | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = async (input: TryInput): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      const r = await session.tryImage(input);
      setResult(r);
      if (input.kind === 'test' && sketch.current) paintInput(sketch.current, r.image, r.size, r.channels);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const runSketch = (): void => {
    if (sketch.current) void run({ kind: 'pixels', pixels: readInput(sketch.current, size, channels) });
  };
  const runRef = useRef(runSketch);
  runRef.current = runSketch;

  const openFile = async (f: File): Promise<void> => {
    try {
      const image = await createImageBitmap(f);
      if (sketch.current) paintImage(sketch.current, image);
      image.close();
      runRef.current();
    } catch {
      setError(`${f.name} could not be read as an image: pick a PNG, JPEG, GIF or WebP file.`);
    }
  };
  const openRef = useRef(openFile);
  openRef.current = openFile;

  useEffect(() => {
    const c = sketch.current!;
    clearSketch(c);
    return attachPen(c, () => runRef.current());
  }, []);

  // An image dropped anywhere on the page comes here (data and model files go on to the importer).
  useEffect(() => {
    const drop = (e: DragEvent): void => {
      const files = e.dataTransfer ? [...e.dataTransfer.files] : [];
      if (files.length !== 1 || !files[0].type.startsWith('image/')) return;
      e.preventDefault();
      e.stopPropagation();
      useStudio.getState().setDragging(false);
      void openRef.current(files[0]);
    };
    window.addEventListener('drop', drop, { capture: true });
    return () => window.removeEventListener('drop', drop, { capture: true });
  }, []);

  const last = Math.max(0, testCount - 1);
  return (
    <div className="tryit">
      <div className="tryit-input">
        <canvas ref={sketch} className="tryit-sketch" data-testid="tryit-sketch" aria-label="Drawing area: draw with mouse, touch or pen" />
        <div className="tryit-buttons">
          <button type="button" className="btn small" data-testid="tryit-clear" onClick={() => sketch.current && clearSketch(sketch.current)}>Clear</button>
          <button type="button" className="btn small" data-testid="tryit-run" disabled={busy} onClick={runSketch}>Try drawing</button>
          <button type="button" className="btn small" data-testid="tryit-pick" onClick={() => file.current?.click()}>Pick image…</button>
          <input ref={file} type="file" accept="image/*" hidden data-testid="tryit-file"
            onChange={(e) => { const f = e.target.files?.[0]; e.target.value = ''; if (f) void openFile(f); }} />
        </div>
        <div className="tryit-buttons">
          <label className="tryit-index">test image
            <input type="number" min={0} max={last} value={testIndex} data-testid="tryit-test-index"
              onChange={(e) => setTestIndex(Math.min(last, Math.max(0, Math.trunc(Number(e.target.value)) || 0)))} />
          </label>
          <button type="button" className="btn small" data-testid="tryit-use-test" disabled={busy || testCount === 0}
            onClick={() => void run({ kind: 'test', index: testIndex })}>Use a test image</button>
        </div>
      </div>
      <div className="tryit-output" aria-live="polite">
        {error ? <p className="tryit-error" role="alert" data-testid="tryit-error">{error}</p> : null}
        {result ? <TryResult r={result} /> : <p className="readout">{busy ? 'Running…' : 'Draw something, or use a test image.'}</p>}
      </div>
    </div>
  );
}

function TryResult({ r }: { r: TriedEvent }) {
  const theme = useTheme();
  const p = palette(theme);
  const patchSize = useStudio((s) => s.runConfig?.patchSize ?? 1);
  const input = useRef<HTMLCanvasElement>(null);
  const maps = useRef<HTMLDivElement>(null);
  const numHeads = useStudio((s) => s.runConfig?.numHeads ?? 1);

  useEffect(() => {
    if (!input.current) return;
    const px = pixelCanvas(input.current);
    const sample = { images: r.image, count: 1, height: r.size, width: r.size, channels: r.channels };
    const out = px.begin(r.size, r.size);
    drawTokens(out, sample, { gap: 0, width: r.size, height: r.size }, patchSize, r.kept, r.kept?.length ?? 0, hex(p.surface), hex(theme === 'dark' ? '#000000' : '#ffffff'));
    px.end();
    for (const c of maps.current?.querySelectorAll<HTMLCanvasElement>('canvas[data-block]') ?? []) {
      const b = r.blocks[Number(c.dataset.block)], j = Number(c.dataset.live);
      const mp = pixelCanvas(c);
      drawAttentionMap(mp.begin(r.grid, r.grid), b.maps[j], p.seq);
      mp.end();
    }
  }, [r, theme, p, patchSize]);

  const label = r.test ? r.top.find((t) => t.cls === r.test!.label)?.name ?? `class ${r.test.label}` : null;
  return (
    <>
      <p className="readout" data-testid="tryit-status" data-pred={r.top[0]?.cls} data-step={r.step}>
        {r.test ? <>test image {r.test.index}{label ? <>, labelled <b>{label}</b></> : null}; </> : 'your image; '}
        model at step {r.step}
      </p>
      <div className="tryit-result">
        <figure className="tryit-figure">
          <canvas ref={input} className="pixelated tryit-model-input" data-testid="tryit-input" />
          <figcaption>{r.kept ? `${r.kept.length} of ${r.grid * r.grid} patches kept` : `${r.size}×${r.size} input`}</figcaption>
        </figure>
        <ol className="tryit-top" data-testid="tryit-top">
          {r.top.map((t) => (
            <li key={t.cls} data-cls={t.cls}>
              <span className="tryit-name">{t.name}</span>
              <span className="tryit-bar"><i style={{ width: `${(100 * t.prob).toFixed(1)}%` }} /></span>
              <span className="tryit-pct">{(100 * t.prob).toFixed(1)}%</span>
            </li>
          ))}
        </ol>
      </div>
      <div className="tryit-maps" ref={maps} data-testid="tryit-maps">
        <div className="tryit-maps-head" style={{ gridTemplateColumns: `28px repeat(${numHeads}, minmax(0, 48px))` }}>
          <span />
          {Array.from({ length: numHeads }, (_, h) => <span key={h}>h{h + 1}</span>)}
        </div>
        {r.blocks.map((b, i) => (
          <div key={i} className="tryit-maps-row" style={{ gridTemplateColumns: `28px repeat(${numHeads}, minmax(0, 48px))` }}>
            <span>b{i + 1}</span>
            {Array.from({ length: numHeads }, (_, h) => {
              const j = b.heads.indexOf(h);
              return j < 0
                ? <span key={h} className="tryit-removed" title={`block ${i + 1}, head ${h + 1}: removed`}>—</span>
                : <canvas key={h} className="pixelated" data-block={i} data-live={j} data-testid={`tryit-att-${i}-${h}`}
                  title={`block ${i + 1}, head ${h + 1}: cls attends ${(100 * (1 - b.clsSelf[j])).toFixed(0)}% to patches`} />;
            })}
          </div>
        ))}
        <div className="legend"><Ramp stops={p.seqStops} from="least" to="most attention (per map)" /><span>— removed head</span>{r.kept ? <span>dropped patches get no attention</span> : null}</div>
      </div>
    </>
  );
}
