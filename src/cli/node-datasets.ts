// Node-only loading of the real data sets from a folder (tests, the CLI, benchmarks). It lives under
// src/cli because the engine compiles without Node types; the parsing itself is the engine's.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { datasetFromFiles, MissingDataError, type AssembleOptions } from '../engine/data/sources';
import { CIFAR10_TARBALL, DATA_FILES, type RealDatasetName } from '../engine/data/official-sources';
import type { NamedBytes } from '../engine/data/idx';
import type { Dataset } from '../engine/data/types';

/** The repository root (this file is src/cli/node-datasets.ts). */
export const repoRoot = (): string => path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** `../shared/datasets` next to the repository, when it exists: read-only copies of the real sets. */
export function findSharedDatasets(root = repoRoot()): string | null {
  const dir = path.resolve(root, '../shared/datasets');
  return existsSync(dir) && statSync(dir).isDirectory() ? dir : null;
}

/** The data set's canonical files found in `folder` (IDX also unpacked, without .gz; CIFAR also as the tarball). */
export function findDatasetFiles(name: RealDatasetName, folder: string): string[] {
  const candidates = DATA_FILES[name].flatMap((s) => [s.file, s.file.replace(/\.gz$/, '')]);
  if (name === 'cifar10') candidates.push(CIFAR10_TARBALL);
  const found = [...new Set(candidates)].filter((f) => existsSync(path.join(folder, f)));
  // The tarball duplicates the batches: read it only when no batch file sits beside it.
  return found.some((f) => f.endsWith('.bin')) ? found.filter((f) => f !== CIFAR10_TARBALL) : found;
}

/** Reads `dir/<name>/…` and assembles the Dataset; throws MissingDataError naming what is absent. */
export function loadDatasetFromDir(name: RealDatasetName, dir: string, opts: Omit<AssembleOptions, 'name'> = {}): Dataset {
  const folder = path.join(dir, name);
  const files: NamedBytes[] = findDatasetFiles(name, folder).map((f) => ({ name: `${name}/${f}`, bytes: readFileSync(path.join(folder, f)) }));
  if (files.length === 0)
    throw new MissingDataError(name,
      DATA_FILES[name].filter((s) => s.required).map((s) => ({ file: s.file, url: s.url, reason: `not in ${folder}` })),
      'Run `npm run datasets` to prepare the data sets.');
  return datasetFromFiles(files, { ...opts, name });
}
