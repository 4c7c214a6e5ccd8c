// One uPlot chart fed from run-data: created when its options change (theme, series), resized
// with its container, and given new data at most once per animation frame when the data moved.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import { subscribe } from '../../frames/scheduler';

/**
 * uPlot gets its 2D context inside its constructor; this makes that context a CPU one (as our own
 * canvases are, see canvas/pixels.ts), so drawing a chart never waits for a GPU process that is
 * busy with the training worker's WebGPU work. Scoped to the constructor call.
 */
function withCpuCanvas<T>(make: () => T): T {
  const proto = HTMLCanvasElement.prototype;
  const original = proto.getContext;
  // One plain signature: `.call` on the overloaded type picks its last overload, which a global
  // augmentation (@webgpu/types' one-argument 'webgpu' form) can change under us.
  const plain = original as (this: HTMLCanvasElement, type: string, options?: object) => RenderingContext | null;
  proto.getContext = function (this: HTMLCanvasElement, type: string, options?: object) {
    return plain.call(this, type, type === '2d' ? { willReadFrequently: true, ...options } : options);
  } as typeof original;
  try {
    return make();
  } finally {
    proto.getContext = original;
  }
}

export interface ChartSpec {
  /** Builds the options (without width/height). */
  options: () => Omit<uPlot.Options, 'width' | 'height'>;
  /** The current data, aligned: [x, ...y]. */
  data: () => uPlot.AlignedData;
  /** Rows behind the chart: it redraws only when this moves (or on a reset). */
  rows: () => number;
}

export function UChart({ spec, height, testid, deps, empty }: {
  spec: ChartSpec; height: number; testid: string; deps: readonly unknown[]; empty?: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const emptyRef = useRef<HTMLDivElement>(null);
  const specRef = useRef(spec);
  specRef.current = spec;
  useEffect(() => {
    const el = host.current!;
    const width = Math.max(160, Math.floor(el.getBoundingClientRect().width));
    const plot = withCpuCanvas(() => new uPlot({ ...specRef.current.options(), width, height }, specRef.current.data(), el));
    let drawn = -1;
    const draw = (): void => {
      const rows = specRef.current.rows();
      if (drawn === rows) return;
      drawn = rows;
      const data = specRef.current.data();
      // batch: draw now, inside the scheduler's time budget (not in a later microtask).
      plot.batch(() => plot.setData(data));
      if (emptyRef.current) emptyRef.current.hidden = (data[0]?.length ?? 0) > 0;
    };
    draw();
    const unsub = subscribe(draw, testid);
    const ro = new ResizeObserver((entries) => {
      const w = Math.max(160, Math.floor(entries[0].contentRect.width));
      if (w !== plot.width) plot.setSize({ width: w, height });
    });
    ro.observe(el);
    return () => {
      unsub();
      ro.disconnect();
      plot.destroy();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [height, ...deps]);
  return (
    <div className="chart" data-testid={testid}>
      <div ref={host} className="chart-host" />
      {empty ? <div ref={emptyRef} className="chart-empty">{empty}</div> : null}
    </div>
  );
}
