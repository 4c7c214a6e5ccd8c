// Load a prepared data set over HTTP with the global fetch (browser, worker, Node 20). Dev servers
// answer a missing file with index.html and status 200, so an HTML page counts as missing too.
import type { NamedBytes } from './idx';
import { DATA_FILES, MANIFEST_FILE, type DataFileSpec, type RealDatasetName } from './official-sources';
import { datasetFromFiles, MissingDataError, type AssembleOptions, type MissingFile } from './sources';
import { asciiPrefix, isHtml } from './sniff';
import type { Dataset } from './types';

/** The part of the Fetch API used here; the engine compiles without DOM types. */
export interface FetchResponseLike {
  ok: boolean;
  status: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}
export type FetchLike = (url: string) => Promise<FetchResponseLike>;

export interface FetchDatasetOptions extends Omit<AssembleOptions, 'name'> {
  fetch?: FetchLike; // defaults to the global fetch
}

const ADVICE = 'Run `npm run datasets` to prepare the data sets (it serves them under /datasets/), or download the files from the official source.';

type Got = { ok: true; file: NamedBytes } | { ok: false; reason: string };

async function get(fetchFn: FetchLike, url: string, name: string): Promise<Got> {
  let res: FetchResponseLike;
  try {
    res = await fetchFn(url);
  } catch (e) {
    return { ok: false, reason: `request failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (!res.ok) return { ok: false, reason: `HTTP ${res.status} for ${url}` };
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (isHtml(bytes)) return { ok: false, reason: `${url} answered with an HTML page, not the file` };
  return { ok: true, file: { name, bytes } };
}

/** The prepared folder's list of present files (written by `npm run datasets`), or null. */
async function manifest(fetchFn: FetchLike, dir: string): Promise<string[] | null> {
  const got = await get(fetchFn, `${dir}/${MANIFEST_FILE}`, MANIFEST_FILE);
  if (!got.ok) return null;
  try {
    const m = JSON.parse(asciiPrefix(got.file.bytes, got.file.bytes.length)) as { files?: unknown };
    return Array.isArray(m.files) && m.files.every((f) => typeof f === 'string') ? (m.files as string[]) : null;
  } catch {
    return null;
  }
}

/**
 * Loads `${baseUrl}/${name}/<canonical files>`. With a manifest only the files it lists are asked for
 * (no 404 noise for CIFAR-10 batches 2-5 that were never prepared); without one, the required files.
 */
export async function fetchDataset(name: RealDatasetName, baseUrl: string, opts: FetchDatasetOptions = {}): Promise<Dataset> {
  const fetchFn: FetchLike = opts.fetch ?? ((url) => (globalThis as unknown as { fetch: FetchLike }).fetch(url));
  const dir = `${baseUrl.replace(/\/+$/, '')}/${name}`;
  const listed = await manifest(fetchFn, dir);
  const wanted = DATA_FILES[name].filter((s) => (listed ? listed.includes(s.file) : s.required));
  const results = await Promise.all(wanted.map(async (s) => ({ spec: s, got: await get(fetchFn, `${dir}/${s.file}`, s.file) })));
  const files = results.flatMap((r) => (r.got.ok ? [r.got.file] : []));
  const reasons = new Map(results.map((r) => [r.spec.file, r.got.ok ? null : r.got.reason]));
  const splitOk = (s: DataFileSpec): boolean => name === 'mnist' && !!opts.allowTestSplit && s.role.startsWith('train');
  const missing: MissingFile[] = DATA_FILES[name]
    .filter((s) => s.required && !splitOk(s) && reasons.get(s.file) !== null)
    .map((s) => ({ file: s.file, url: s.url, reason: reasons.get(s.file) ?? `not listed in ${dir}/${MANIFEST_FILE}: npm run datasets found no copy` }));
  if (missing.length) throw new MissingDataError(name, missing, ADVICE);
  return datasetFromFiles(files, { name, allowTestSplit: opts.allowTestSplit });
}
