// Whether this server serves a real data set under /datasets/<name>/ (after `npm run datasets`), asked
// once per data set and page as soon as it is picked: a fresh clone serves none, and the studio says
// so before Start rather than after a failed run.
import { create } from 'zustand';
import type { DatasetName } from '../../engine/config';
import { DATA_FILES, MANIFEST_FILE, type RealDatasetName } from '../../engine/data/official-sources';
import { isHtml } from '../../engine/data/sniff';

export type Served = 'checking' | 'served' | 'missing';

type Answer = { ok: boolean; contentType: string | null; bytes?: () => Promise<Uint8Array> };
export type Ask = (url: string, method: 'GET' | 'HEAD') => Promise<Answer>;

const browserAsk: Ask = async (url, method) => {
  const res = await fetch(url, { method, cache: 'no-store' });
  return { ok: res.ok, contentType: res.headers.get('content-type'), bytes: async () => new Uint8Array(await res.arrayBuffer()) };
};

/** The test split is what every run needs (MNIST's shared copy has nothing else). */
const testFile = (name: RealDatasetName): string => DATA_FILES[name].find((f) => f.role === 'test-images' || f.role === 'test-batch')!.file;

/**
 * Served when the folder's manifest lists the test split, or (no manifest) the test file is there.
 * Dev servers answer a missing path with index.html and a 200: an HTML answer counts as missing.
 */
export async function probeServed(name: RealDatasetName, baseUrl: string, ask: Ask = browserAsk): Promise<boolean> {
  const dir = `${baseUrl.replace(/\/+$/, '')}/${name}`;
  const html = (a: Answer): boolean => Boolean(a.contentType?.includes('html'));
  try {
    const m = await ask(`${dir}/${MANIFEST_FILE}`, 'GET');
    if (m.ok && !html(m) && m.bytes) {
      const bytes = await m.bytes();
      if (!isHtml(bytes)) {
        const files = (JSON.parse(new TextDecoder().decode(bytes)) as { files?: unknown }).files;
        if (Array.isArray(files)) return files.includes(testFile(name));
      }
    }
  } catch {
    // no manifest, or not JSON: ask for the file itself
  }
  try {
    const f = await ask(`${dir}/${testFile(name)}`, 'HEAD');
    return f.ok && !html(f);
  } catch {
    return false;
  }
}

export const servedBase = (): string => `${import.meta.env.BASE_URL.replace(/\/+$/, '')}/datasets`;

export const useServed = create<Partial<Record<RealDatasetName, Served>>>()(() => ({}));

/** Asks the server once per data set (the answer is kept for the page's life). */
export function checkServed(dataset: DatasetName): void {
  if (dataset === 'synthetic' || useServed.getState()[dataset]) return;
  useServed.setState({ [dataset]: 'checking' });
  void probeServed(dataset, servedBase()).then((ok) => useServed.setState({ [dataset]: ok ? 'served' : 'missing' }));
}

/** A loader's error that means the files are not there (as opposed to damaged). */
export const isMissingDataMessage = (message: string): boolean => /incomplete|npm run datasets|HTTP 404|HTML page/i.test(message);

/** The server turned out not to serve it after all (a start failed on missing files): Start waits from now on. */
export function markNotServed(dataset: DatasetName): void {
  if (dataset !== 'synthetic') useServed.setState({ [dataset]: 'missing' });
}

/** Why a run on `dataset` cannot start without imported files, or null (synthetic, served, or not known yet). */
export function missingDataReason(dataset: DatasetName, imported: boolean): string | null {
  if (dataset === 'synthetic' || imported || useServed.getState()[dataset] !== 'missing') return null;
  return `This server does not serve ${dataset}: run "npm run datasets" in the project folder and reload, or import the files (Data → Import files…).`;
}
