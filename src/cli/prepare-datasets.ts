// `npm run datasets`: gathers the real data sets into the git-ignored data/ folder (and exposes it
// as public/datasets/ for the dev server) from the first source that has each file: ../shared/datasets,
// Debian's /usr/share/datasets, then the official URLs. Every file is validated by the engine's
// loaders, so a corrupt or HTML "download" is reported here, not in the middle of a training run.
// Options: --offline (no downloads), --full (download the CIFAR-10 tarball for batches 2-5 too),
// --out DIR, --public DIR (or --no-public), --only NAME[,NAME].
import { copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { cifarFilesFromTarball, parseCifarBatch, parseCifarMeta } from '../engine/data/cifar';
import { parseIdxImages, parseIdxLabels } from '../engine/data/idx';
import {
  CIFAR10_TARBALL, CIFAR10_TARBALL_URL, DATA_FILES, MANIFEST_FILE, OFFICIAL_PAGE,
  type DataFileSpec, type DatasetManifest, type RealDatasetName,
} from '../engine/data/official-sources';
import { MissingDataError } from '../engine/data/sources';
import { findSharedDatasets, loadDatasetFromDir, repoRoot } from './node-datasets';

export interface PrepareOptions {
  outDir: string; // data/
  publicDir: string | null; // public/datasets, linked (or copied) to outDir
  localSources: string[]; // folders holding <name>/<file>, in order of preference
  offline: boolean;
  full: boolean;
  only: RealDatasetName[];
  log: (line: string) => void;
  downloadTimeoutMs?: number;
}

export interface PrepareResult {
  ok: boolean; // no corrupt file anywhere
  ready: Partial<Record<RealDatasetName, string>>; // name → summary, for the sets that load
}

const NAMES: RealDatasetName[] = ['fashion-mnist', 'mnist', 'cifar10'];
const DEBIAN_DATASETS = '/usr/share/datasets';
const MB = (n: number): string => `${(n / 1e6).toFixed(1)} MB`;
/** Paths as the user would type them from the repository root, when that is shorter. */
const shown = (p: string): string => { const r = path.relative(process.cwd(), p); return r.length < p.length ? r : p; };

/** fetch with a deadline that restarts on every chunk: a stalled or unreachable server never hangs us. */
export async function download(url: string, stallMs = 15_000): Promise<Uint8Array> {
  const ctrl = new AbortController();
  let timer = setTimeout(() => ctrl.abort(), stallMs);
  try {
    const res = await fetch(url, { signal: ctrl.signal });
    if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
    const chunks: Uint8Array[] = [];
    let n = 0;
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      clearTimeout(timer);
      timer = setTimeout(() => ctrl.abort(), stallMs);
      chunks.push(chunk);
      n += chunk.length;
    }
    const out = new Uint8Array(n);
    let at = 0;
    for (const c of chunks) { out.set(c, at); at += c.length; }
    return out;
  } catch (e) {
    if (ctrl.signal.aborted) throw new Error(`no data for ${stallMs / 1000} s (timed out)`);
    throw new Error(e instanceof Error ? `${e.message}${e.cause instanceof Error ? ` (${e.cause.message})` : ''}` : String(e));
  } finally {
    clearTimeout(timer);
  }
}

/** Parses one file with the loader for its role; throws the loader's DataFileError when it is bad. */
function validate(name: RealDatasetName, spec: DataFileSpec, bytes: Uint8Array): string {
  switch (spec.role) {
    case 'train-images': case 'test-images': {
      const im = parseIdxImages(spec.file, bytes, spec.url);
      return `${im.count} images ${im.height}×${im.width}`;
    }
    case 'train-labels': case 'test-labels': return `${parseIdxLabels(spec.file, bytes, 10, spec.url).length} labels`;
    case 'train-batch': case 'test-batch': return `${parseCifarBatch(spec.file, bytes).count} images 32×32×3`;
    case 'meta': {
      const names = parseCifarMeta(bytes);
      if (names.length !== 10) throw new Error(`${spec.file}: expected 10 class names, found ${names.length}`);
      return names.join(' ');
    }
    default: throw new Error(`${name}: no validator for ${spec.role}`);
  }
}

/** Atomic write: a crash never leaves a half-written file under a real name. */
function writeAtomic(dest: string, bytes: Uint8Array): void {
  writeFileSync(`${dest}.partial`, bytes);
  renameSync(`${dest}.partial`, dest);
}

interface Ctx {
  opts: PrepareOptions;
  networkDown: string | null; // after one network failure, later downloads are skipped at once
}

async function tryDownload(ctx: Ctx, url: string): Promise<Uint8Array | string> {
  if (ctx.opts.offline) return 'offline (--offline)';
  if (ctx.networkDown) return `skipped: ${ctx.networkDown}`;
  const t0 = Date.now();
  ctx.opts.log(`  downloading ${url} …`);
  try {
    const bytes = await download(url, ctx.opts.downloadTimeoutMs);
    ctx.opts.log(`  downloaded ${MB(bytes.length)} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return bytes;
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    if (!/^HTTP \d/.test(why)) ctx.networkDown = `network unavailable (${why})`;
    return `download failed: ${why}`;
  }
}

async function prepareOne(ctx: Ctx, name: RealDatasetName): Promise<{ ok: boolean; summary: string | null }> {
  const { opts } = ctx;
  const dir = path.join(opts.outDir, name);
  mkdirSync(dir, { recursive: true });
  const placed = new Map<string, string>(); // file → where it came from and what it holds
  const problems: string[] = [];
  const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

  /** Validates, then writes unless identical bytes are already there. False when the bytes are bad. */
  const place = (spec: DataFileSpec, bytes: Uint8Array, from: string): boolean => {
    const dest = path.join(dir, spec.file);
    try {
      const what = validate(name, spec, bytes);
      const same = existsSync(dest) && statSync(dest).size === bytes.length && readFileSync(dest).equals(bytes);
      if (!same) writeAtomic(dest, bytes);
      placed.set(spec.file, `${same ? 'up to date, ' : ''}${from}: ${what}`);
      return true;
    } catch (e) {
      problems.push(`${spec.file} ${from} is CORRUPT: ${message(e)}`);
      return false;
    }
  };
  const unresolved = (): DataFileSpec[] => DATA_FILES[name].filter((s) => !placed.has(s.file));
  const fromTarball = (bytes: Uint8Array, from: string): void => {
    try {
      const inside = cifarFilesFromTarball(CIFAR10_TARBALL, bytes);
      for (const spec of unresolved()) {
        const entry = inside.find((f) => f.name === spec.file);
        if (entry) place(spec, entry.bytes, from);
      }
    } catch (e) {
      problems.push(`${CIFAR10_TARBALL} ${from} is CORRUPT: ${message(e)}`);
    }
  };

  // 1. Local folders, file by file; a bad copy falls through to the next source.
  for (const spec of DATA_FILES[name])
    for (const src of opts.localSources) {
      const file = path.join(src, name, spec.file);
      if (existsSync(file) && place(spec, readFileSync(file), `copied from ${shown(path.join(src, name))}`)) break;
    }
  if (name === 'cifar10')
    for (const tarball of opts.localSources.map((s) => path.join(s, name, CIFAR10_TARBALL)).filter(existsSync))
      if (unresolved().length) fromTarball(readFileSync(tarball), `extracted from ${shown(tarball)}`);

  // 2. Files kept from an earlier run (e.g. downloaded then) are validated again.
  for (const spec of unresolved()) {
    const dest = path.join(dir, spec.file);
    if (existsSync(dest)) place(spec, readFileSync(dest), 'kept from an earlier run');
  }

  // 3. Downloads: per file for IDX; CIFAR-10 only comes as one 170 MB tarball, fetched when a
  //    required batch is missing, or with --full for batches 2-5.
  const notFound = new Map<string, string>();
  const missing = unresolved();
  if (name === 'cifar10') {
    if (missing.some((s) => s.required) || (opts.full && missing.length)) {
      const got = await tryDownload(ctx, CIFAR10_TARBALL_URL);
      if (typeof got === 'string') missing.forEach((s) => notFound.set(s.file, got));
      else fromTarball(got, `downloaded from ${CIFAR10_TARBALL_URL}`);
    }
  } else {
    for (const spec of missing) {
      const got = await tryDownload(ctx, spec.url);
      if (typeof got === 'string') notFound.set(spec.file, got);
      else place(spec, got, `downloaded from ${spec.url}`);
    }
  }

  // 4. Report, drop what did not validate, write the manifest, assemble the whole set as a last check.
  for (const spec of DATA_FILES[name]) {
    const got = placed.get(spec.file);
    if (got) opts.log(`  ${spec.file.padEnd(28)} ${got}`);
    else {
      const why = notFound.get(spec.file) ?? (spec.required ? 'no source has it' : 'optional, no source has it');
      opts.log(`  ${spec.file.padEnd(28)} MISSING (${why}); official source: ${spec.url}`);
      rmSync(path.join(dir, spec.file), { force: true });
    }
  }
  for (const p of problems) opts.log(`  ${p}`);
  const manifest: DatasetManifest = { name, files: DATA_FILES[name].filter((s) => placed.has(s.file)).map((s) => s.file) };
  writeFileSync(path.join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  try {
    const ds = loadDatasetFromDir(name, opts.outDir, { allowTestSplit: name === 'mnist' });
    const split = name === 'mnist' && !placed.has('train-images-idx3-ubyte.gz');
    const summary = `${ds.train.count} train / ${ds.test.count} test images${split ? ' (split from the test set: needs allowTestSplit)' : ''}`;
    opts.log(`  → ${name} ${split ? 'usable with allowTestSplit' : 'ready'}: ${summary}`);
    for (const note of ds.notes ?? []) opts.log(`    note: ${note}`);
    if (name === 'cifar10' && unresolved().length && !opts.full)
      opts.log(`    for all 50,000 training images: npm run datasets -- --full (downloads ${CIFAR10_TARBALL_URL})`);
    return { ok: problems.length === 0, summary };
  } catch (e) {
    opts.log(`  → ${name} NOT usable: ${message(e)}`);
    return { ok: problems.length === 0 && e instanceof MissingDataError, summary: null };
  }
}

const isLink = (p: string): boolean => { try { return lstatSync(p).isSymbolicLink(); } catch { return false; } };

/**
 * public/datasets/<name> → ../../data/<name>, so Vite serves /datasets/<name>/<file>. public/datasets
 * itself stays a real folder: .gitignore's `public/datasets/` matches folders only, not a symlink.
 * Where links are not allowed (Windows without the privilege) the files are copied instead.
 */
function linkPublic(opts: PrepareOptions, names: RealDatasetName[]): void {
  const pub = opts.publicDir;
  if (!pub) return;
  if (isLink(pub)) rmSync(pub); // an older layout linked the whole folder
  mkdirSync(pub, { recursive: true });
  for (const name of names) {
    const from = path.join(opts.outDir, name), to = path.join(pub, name);
    const target = path.relative(pub, from);
    if (isLink(to)) {
      if (path.resolve(pub, readlinkSync(to)) === path.resolve(from)) continue;
      rmSync(to);
    }
    if (!existsSync(to)) {
      try {
        symlinkSync(target, to, 'dir');
        continue;
      } catch { /* no symlinks here: copy below */ }
    }
    mkdirSync(to, { recursive: true });
    const manifest = JSON.parse(readFileSync(path.join(from, MANIFEST_FILE), 'utf8')) as DatasetManifest;
    for (const f of [...manifest.files, MANIFEST_FILE]) {
      const src = path.join(from, f), dest = path.join(to, f);
      if (!existsSync(dest) || statSync(dest).size !== statSync(src).size || f === MANIFEST_FILE) copyFileSync(src, dest);
    }
  }
  opts.log(`\nServed by the dev server from ${shown(pub)}: ${names.map((n) => `/datasets/${n}/`).join(', ')}`);
}

export async function prepareDatasets(opts: PrepareOptions): Promise<PrepareResult> {
  const ctx: Ctx = { opts, networkDown: null };
  opts.log(`Local sources: ${opts.localSources.length ? opts.localSources.map(shown).join(', ') : 'none found'}${opts.offline ? '; offline' : ''}`);
  const result: PrepareResult = { ok: true, ready: {} };
  for (const name of opts.only) {
    opts.log(`\n${name} (official: ${OFFICIAL_PAGE[name]})`);
    const r = await prepareOne(ctx, name);
    result.ok &&= r.ok;
    if (r.summary) result.ready[name] = r.summary;
  }
  linkPublic(opts, opts.only);
  return result;
}

function parseArgs(argv: string[]): PrepareOptions {
  const root = repoRoot();
  const value = (flag: string): string | undefined => { const i = argv.indexOf(flag); return i >= 0 ? argv[i + 1] : undefined; };
  const only = (value('--only')?.split(',') ?? NAMES) as RealDatasetName[];
  for (const n of only) if (!NAMES.includes(n)) throw new Error(`--only: unknown data set "${n}" (choose from ${NAMES.join(', ')})`);
  const shared = findSharedDatasets(root);
  return {
    outDir: path.resolve(root, value('--out') ?? 'data'),
    publicDir: argv.includes('--no-public') ? null : path.resolve(root, value('--public') ?? 'public/datasets'),
    localSources: [shared, DEBIAN_DATASETS].filter((d): d is string => !!d && existsSync(d)),
    offline: argv.includes('--offline'),
    full: argv.includes('--full'),
    only,
    log: (line) => console.log(line),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const t0 = Date.now();
  prepareDatasets(parseArgs(process.argv.slice(2))).then((r) => {
    const names = Object.keys(r.ready);
    console.log(`\n${names.length ? `Ready: ${names.join(', ')}` : 'No real data set is ready'} (synthetic needs no files). ${((Date.now() - t0) / 1000).toFixed(1)} s.`);
    if (!r.ok) console.log('Some files are corrupt (see above): delete them or fix the source, then run again.');
    process.exitCode = r.ok ? 0 : 1;
  }, (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
