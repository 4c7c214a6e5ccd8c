// The backend the worker really runs on, with the WebGPU adapter.
import { useStudio } from '../../store';

const LABEL: Record<string, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' };

export function BackendBadge() {
  const info = useStudio((s) => s.backend);
  const pending = useStudio((s) => s.backendPending);
  if (pending) return <span className="badge pending" data-testid="backend-badge" data-backend="">starting worker…</span>;
  if (!info) return <span className="badge bad" data-testid="backend-badge" data-backend="none">no backend</span>;
  const tone = info.backend === 'webgpu' ? 'ok' : 'warn';
  return (
    <span className={`badge ${tone}`} data-testid="backend-badge" data-backend={info.backend}
      title={`Backend: ${info.backend} (requested ${info.requested}). Adapter: ${info.adapter}. Cross-origin isolated: ${info.crossOriginIsolated ? 'yes' : 'no'}`}>
      <strong>{LABEL[info.backend]}</strong>
      {info.backend === 'webgpu' ? <span className="adapter">{info.adapter}</span> : info.fallbackReason ? <span className="adapter">fallback</span> : null}
    </span>
  );
}
