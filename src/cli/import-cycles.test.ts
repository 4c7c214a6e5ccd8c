// No runtime import cycles among the project's modules: esbuild resolves every static import as
// the bundlers do (type-only imports erased), and any strongly connected component of more than
// one module, or a module importing itself, is a cycle.
import { build } from 'esbuild';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './node-datasets';

const sources = (dir: string): string[] => readdirSync(dir).flatMap((n) => {
  const p = path.join(dir, n);
  return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(n) && !n.endsWith('.d.ts') ? [p] : [];
});

/** Strongly connected components with a cycle (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>(), low = new Map<string, number>(), stack: string[] = [], onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next); low.set(v, next++); stack.push(v); onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do { w = stack.pop()!; onStack.delete(w); component.push(w); } while (w !== v);
    if (component.length > 1 || graph.get(v)!.includes(v)) out.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

describe('module graph', () => {
  it('has no runtime import cycles in src/, e2e/ or scripts/', async () => {
    const entryPoints = ['src', 'e2e', 'scripts'].flatMap((d) => sources(path.join(repoRoot(), d)));
    const { metafile } = await build({
      absWorkingDir: repoRoot(), entryPoints, bundle: true, write: false, metafile: true, outdir: 'out', format: 'esm',
      platform: 'node', packages: 'external', external: ['*?url', '*?worker'], loader: { '.css': 'empty', '.svg': 'empty' },
      jsx: 'automatic', tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } }, logLevel: 'silent',
    });
    const graph = new Map(Object.entries(metafile.inputs).map(([file, input]) => [
      file, input.imports.filter((i) => i.kind === 'import-statement' && !i.external && metafile.inputs[i.path]).map((i) => i.path),
    ]));
    expect(graph.size).toBeGreaterThan(150);
    expect(cycles(graph)).toEqual([]);
  });
});
