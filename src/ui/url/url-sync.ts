// The URL always holds the experiment: the canonical query string of encodeConfig, plus the UI
// keys the studio itself reads (backend=, theme=). Written with history.replaceState (no history
// entries, no reloads), debounced so typing in a field never trips the browser's rate limit.
import { decodeConfig, encodeConfig, type DecodedLink } from '../../engine/config-url';
import type { ExperimentConfig } from '../../engine/config';
import { parseBackendName, type BackendName } from '../../protocol/messages';
import { studio } from '../store';
import { importedFor } from '../session/imported';
import type { ThemeChoice } from '../store/view';
import { useReported } from '../results-link/reported';
import { sweepKeyIssues } from './sweep-link';

export interface OpeningLink {
  decoded: DecodedLink;
  backend?: BackendName;
  autostart: boolean;
  theme?: ThemeChoice;
  panel?: string;
  /** The link was made while the data came from imported files (`data=local`), which no link carries. */
  localData: boolean;
  /** The page was opened with an experiment in its query (not a bare URL). */
  hasExperiment: boolean;
}

export function readOpeningLink(search = location.search): OpeningLink {
  const decoded = decodeConfig(search);
  const backendRaw = decoded.extras.backend;
  const backend = parseBackendName(backendRaw);
  if (backendRaw !== undefined && !backend)
    decoded.ignored.push({ key: 'backend', value: backendRaw, reason: 'not one of webgpu, webgl, wasm, cpu; choosing automatically' });
  const themeRaw = decoded.extras.theme;
  const theme = themeRaw === 'light' || themeRaw === 'dark' || themeRaw === 'system' ? themeRaw : undefined;
  if (themeRaw !== undefined && !theme) decoded.ignored.push({ key: 'theme', value: themeRaw, reason: 'not light, dark or system' });
  const dataRaw = decoded.extras.data;
  if (dataRaw !== undefined && dataRaw !== 'local') decoded.ignored.push({ key: 'data', value: dataRaw, reason: "only data=local is known (the link's maker used imported files)" });
  decoded.ignored.push(...sweepKeyIssues(decoded.extras));
  const run = decoded.extras.run;
  return {
    decoded, backend, theme, panel: decoded.extras.panel, localData: dataRaw === 'local',
    autostart: run === '1' || run === 'true',
    hasExperiment: search.replace(/^\?/, '').length > 0,
  };
}

/** The link for a config: this page's address with the canonical query (and UI keys). */
export function linkFor(config: ExperimentConfig, opts: { run?: boolean } = {}): string {
  const s = studio.getState();
  const extras: string[] = [];
  if (backendKey) extras.push(`backend=${backendKey}`);
  if (s.themeChoice !== 'system') extras.push(`theme=${s.themeChoice}`);
  if (importedFor(config.dataset)) extras.push('data=local'); // the files stay here: say so, never point silently at the served copy
  if (opts.run) extras.push('run=1');
  const query = [encodeConfig(config), ...extras].join('&');
  return `${location.origin}${location.pathname}?${query}`;
}

let backendKey: BackendName | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;

/** The backend picker's choice goes into the link (`backend=`), automatic leaves it out. */
export function setLinkBackend(backend: BackendName | undefined): void {
  backendKey = backend;
  write();
}

function write(): void {
  timer = undefined;
  // Reported results stay in the fragment while they are on screen, so a reload shows them again.
  const url = linkFor(studio.getState().config) + (useReported.getState().reported ? location.hash : '');
  if (url !== location.href) history.replaceState(history.state, '', url);
}

/** Keeps the address bar in step with the store; returns unsubscribe. */
export function startUrlSync(backend: BackendName | undefined): () => void {
  backendKey = backend;
  write();
  const unsub = studio.subscribe((s, prev) => {
    if (s.config === prev.config && s.themeChoice === prev.themeChoice && s.data === prev.data) return;
    clearTimeout(timer);
    timer = setTimeout(write, 120);
  });
  return () => {
    unsub();
    clearTimeout(timer);
  };
}
