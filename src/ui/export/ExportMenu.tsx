// Export: the model file (as `cli export` writes it), the curves as CSV or JSON, and the panels as
// PNGs. Each item says what it saves; a failure shows here, next to the menu, in words.
import { useCallback, useState } from 'react';
import { useClickAway } from '../controls/click-away';
import { studio, useStudio } from '../store';
import * as session from '../session/session';
import { runData } from '../frames/run-data';
import { curvesCsv, curvesJson } from './curves';
import { panelsZip } from './panels-png';
import { download, runFileStem } from './download';
import { useReported } from '../results-link/reported';

const DownloadIcon = () => (
  <svg width={16} height={16} viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
    <path d="M8 2.5v8M4.8 7.5 8 10.7l3.2-3.2" /><path d="M2.5 10.5v2.3c0 .4.3.7.7.7h9.6c.4 0 .7-.3.7-.7v-2.3" />
  </svg>
);

type Item = { key: string; label: string; note: string; save: () => Promise<void> };

export function ExportMenu() {
  const status = useStudio((s) => s.status);
  const config = useStudio((s) => s.runConfig);
  // Results from a link have no model behind them until they are re-run here.
  const linkOnly = useReported((s) => s.reported !== null && !s.verifying);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const closeMenu = useCallback(() => setOpen(false), [setOpen]);
  const root = useClickAway<HTMLDivElement>(open, closeMenu);

  // A run that stopped before training began (data refused) has neither a model nor curves; results
  // from a link have curves (frames) without a model.
  const started = useStudio((s) => s.meta !== null || s.frames > 0);
  const hasModel = config !== null && status !== 'idle' && status !== 'starting' && started;
  // Read at click time: subscribing to the step would re-render the menu with every frame.
  const stemNow = (): string => (config ? runFileStem(config, studio.getState().progress.step) : 'sparse-vit');
  const model = (layout: 'dense' | 'compact') => async () => {
    download(`${stemNow()}${layout === 'compact' ? '-compact' : ''}.safetensors`, await session.exportModel(layout), 'application/octet-stream');
  };
  const models: Item[] = linkOnly ? [] : [
    { key: 'model-dense', label: 'Model (.safetensors)', note: 'timm names, masks, config, mean/std: the file cli export writes', save: model('dense') },
    ...(config?.method === 's2vite'
      ? [{ key: 'model-compact', label: 'Compact model (.safetensors)', note: 'removed heads and neurons dropped (cli export --compact)', save: model('compact') }]
      : []),
  ];
  const items: Item[] = [
    ...models,
    { key: 'csv', label: 'Curves (.csv)', note: 'one row per step: loss, lr, τ, evaluations, density, FLOPs', save: async () => download(`${stemNow()}-curves.csv`, curvesCsv(runData), 'text/csv') },
    { key: 'json', label: 'Curves (.json)', note: 'every series by name, with the config', save: async () => download(`${stemNow()}-curves.json`, curvesJson(runData, config), 'application/json') },
    { key: 'png', label: 'Panels (.png in a .zip)', note: 'each panel on screen as drawn', save: async () => download(`${stemNow()}-panels.zip`, await panelsZip(), 'application/zip') },
  ];

  const run = async (item: Item): Promise<void> => {
    setBusy(item.key);
    setMessage(null);
    try {
      await item.save();
      setMessage({ ok: true, text: `Saved: ${item.label}` });
    } catch (e) {
      setMessage({ ok: false, text: `Could not export ${item.label}: ${e instanceof Error ? e.message : String(e)}` });
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="share export-menu" ref={root}>
      <button type="button" className="btn ghost" data-testid="export" aria-expanded={open} disabled={!hasModel}
        title={hasModel ? 'Save the model, the curves or the panels'
          : config && !started && status !== 'starting' ? 'This run stopped before training began: there is nothing to export'
          : 'Train (or step) first: there is nothing to export yet'}
        onClick={() => setOpen(!open)}>
        <DownloadIcon /> Export
      </button>
      {open ? (
        <div className="popover export-popover" role="menu" aria-label="Export" data-testid="export-menu">
          {items.map((it) => (
            <button key={it.key} type="button" role="menuitem" className="export-item" data-testid={`export-${it.key}`}
              disabled={busy !== null} onClick={() => void run(it)}>
              <strong>{busy === it.key ? 'Saving…' : it.label}</strong>
              <span className="muted">{it.note}</span>
            </button>
          ))}
          <p className={`copy-status ${message ? (message.ok ? 'yes' : 'no') : ''}`} data-testid="export-status">{message?.text ?? '\u00a0'}</p>
        </div>
      ) : null}
    </div>
  );
}
