// The frame of a heat-map panel: title, a one-line explanation, and either the content or a short
// note saying why the panel does not apply to the chosen method.
import type { ReactNode } from 'react';

export function Panel({ title, sub, na, children, testid, actions, id }: {
  title: string; sub?: ReactNode; na?: string | null; children?: ReactNode; testid: string; actions?: ReactNode; id?: string;
}) {
  return (
    <section className="card map-panel" data-testid={testid} id={id} aria-label={title}>
      <header>
        <h3>{title}</h3>
        {actions && !na ? <div className="panel-actions">{actions}</div> : null}
      </header>
      {sub && !na ? <p className="panel-sub">{sub}</p> : null}
      {na ? <p className="na" data-testid={`${testid}-na`}>{na}</p> : children}
    </section>
  );
}

export function Swatch({ color, label }: { color: string; label: string }) {
  return <span className="swatch"><i style={{ background: color }} />{label}</span>;
}

/** The legend of a live/removed bitmap with the last update's changes highlighted. */
export function TopologyLegend({ colors, on, off }: { colors: { on: string; off: string; grown: string; pruned: string }; on: string; off: string }) {
  return (
    <div className="legend">
      <Swatch color={colors.on} label={on} />
      <Swatch color={colors.off} label={off} />
      <Swatch color={colors.grown} label="just grown" />
      <Swatch color={colors.pruned} label="just pruned" />
    </div>
  );
}

export function Ramp({ stops, from, to }: { stops: string[]; from: string; to: string }) {
  return (
    <span className="ramp">
      <span>{from}</span><i style={{ background: `linear-gradient(90deg, ${stops.join(', ')})` }} /><span>{to}</span>
    </span>
  );
}
