// Everything the user must not miss: worker errors (a lost GPU device included), missing data with
// the command that prepares it, a WebGPU fallback and its cost, notices (imports, adapted
// settings), and the keys a link carried that could not be used.
import { OFFICIAL_PAGE, type RealDatasetName } from '../../../engine/data/official-sources';
import { useStudio } from '../../store';
import { Close } from '../../controls/icons';
import { removeImport } from '../../session/import-files';
import { isMissingDataMessage } from '../../session/served';
import { noticeOf } from '../../../engine/config-url';

const BACKEND_LABEL: Record<string, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM (CPU)', cpu: 'the plain CPU backend' };

export function Banners() {
  return (
    <div className="banners" aria-live="polite">
      <LinkNotice />
      <BackendBanner />
      <Errors />
      <Notices />
    </div>
  );
}

function LinkNotice() {
  const ignored = useStudio((s) => s.ignored);
  const clear = useStudio((s) => s.setIgnored);
  if (!ignored.length) return null;
  const { shown, more } = noticeOf(ignored);
  return (
    <div className="banner warn" role="status" data-testid="link-notice">
      <div className="banner-body">
        <strong>This link had {ignored.length} setting{ignored.length === 1 ? '' : 's'} the studio could not use; everything else was loaded.</strong>
        <ul>
          {shown.map((k, i) => (
            <li key={`${k.key}-${i}`}><code>{k.key}={k.value}</code>: {k.reason}</li>
          ))}
          {more ? <li>…and {more} more</li> : null}
        </ul>
      </div>
      <button type="button" className="icon-btn" aria-label="Dismiss" onClick={() => clear([])}><Close /></button>
    </div>
  );
}

function BackendBanner() {
  const info = useStudio((s) => s.backend);
  if (!info?.fallbackReason) return null;
  return (
    <div className="banner warn" role="status" data-testid="backend-banner">
      <div className="banner-body">
        <strong>WebGPU is not available here: training runs on {BACKEND_LABEL[info.backend]}.</strong>
        <p>{info.fallbackReason}</p>
        <p className="muted">For full speed use a browser with WebGPU (Chrome or Edge 113+, Safari 18+, or Firefox with WebGPU enabled) on a machine with a GPU.</p>
      </div>
    </div>
  );
}

function Errors() {
  const errors = useStudio((s) => s.errors);
  const dismiss = useStudio((s) => s.dismissError);
  const dataset = useStudio((s) => s.runConfig?.dataset ?? s.config.dataset);
  const imported = useStudio((s) => s.data.kind === 'files');
  return (
    <>
      {errors.map((e) => {
        const missing = e.data && isMissingDataMessage(e.message) && dataset !== 'synthetic';
        return (
          <div key={e.id} className="banner bad" role="alert" data-testid={e.deviceLost ? 'device-lost' : e.data ? 'data-error' : 'worker-error'}>
            <div className="banner-body">
              <strong>
                {e.deviceLost ? 'The GPU device was lost: training stopped.'
                  : e.data ? (missing ? `The ${dataset} data set is not available` : 'The data could not be loaded')
                  : e.fatal ? 'Training stopped with an error' : 'Warning from the training worker'}
              </strong>
              {missing ? (
                <details><summary>What the loader reported</summary><p className="error-text">{e.message}</p></details>
              ) : <p className="error-text">{e.message}</p>}
              {missing ? (
                <p>
                  Prepare it once with <code>npm run datasets</code> (it downloads the files from the official source,{' '}
                  <a href={OFFICIAL_PAGE[dataset as RealDatasetName]} target="_blank" rel="noreferrer noopener">{OFFICIAL_PAGE[dataset as RealDatasetName]}</a>),
                  or import the files with <em>Import files…</em> in the Data section. Your settings are unchanged.
                </p>
              ) : e.data ? (
                <p>Your settings are unchanged. {imported ? <>Import other files, or <button type="button" className="link" onClick={removeImport}>use the served copy</button>.</> : null}</p>
              ) : null}
              {e.deviceLost ? <p><button type="button" className="btn small" onClick={() => location.reload()}>Reload the page</button> (the link keeps your settings)</p> : null}
            </div>
            <button type="button" className="icon-btn" aria-label="Dismiss" onClick={() => dismiss(e.id)}><Close /></button>
          </div>
        );
      })}
    </>
  );
}

function Notices() {
  const notices = useStudio((s) => s.notices);
  const dismiss = useStudio((s) => s.dismissNotice);
  const setConfig = useStudio((s) => s.setConfig);
  return (
    <>
      {notices.map((n) => (
        <div key={n.id} className={`banner ${n.tone === 'error' ? 'bad' : n.tone}`} role={n.tone === 'error' ? 'alert' : 'status'} data-testid="notice">
          <div className="banner-body">
            <strong>{n.title}</strong>
            {n.lines.map((l, i) => <p key={i}>{l}</p>)}
            {n.undo ? (
              <p><button type="button" className="link" onClick={() => { setConfig(n.undo!); removeImport(); dismiss(n.id); }}>Undo: restore the previous settings</button></p>
            ) : null}
          </div>
          <button type="button" className="icon-btn" aria-label="Dismiss" onClick={() => dismiss(n.id)}><Close /></button>
        </div>
      ))}
    </>
  );
}
