// docs/paper-table.png: the paper-table benchmark's accuracy against FLOPs saved, one chart per
// preset, drawn by the studio's own uPlot chart (src/ui/panels/charts/accuracy-flops.ts) in headless
// Chromium from bench/results/paper-table.json. Run: npm run paper-figure
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { launchChromium } from '../e2e/chromium';
import { loadResults } from '../src/cli/bench/results';
import { freshness } from '../src/cli/bench/provenance';
import { repoRoot } from '../src/cli/node-datasets';
import { familyColour, type AccuracyPoint } from '../src/ui/panels/charts/accuracy-flops';

async function main(): Promise<void> {
  const result = loadResults().find((r) => r.section === 'paper-table');
  if (!result || result.section !== 'paper-table') throw new Error('no paper-table result: run `npm run bench -- --only paper-table` first');
  const charts = result.data.presets.map((p) => {
    // Seeds actually measured (a long table may be cut short), not the ones planned.
    const seeds = Math.max(...p.rows.map((r) => r.runs.length));
    return {
    title: `${p.preset} · ${p.steps} steps · ${seeds === 1 ? 'one seed' : `${seeds} seeds, mean ± std`}${freshness(p.provenance).stale ? ' · stale: measured before the engine last changed' : ''}`,
    points: p.rows.filter((r) => Number.isFinite(r.meanAccuracy)).map((r): AccuracyPoint => ({
      name: r.name, saved: Math.round(r.savedTheoretical * 1000) / 10, accuracy: r.meanAccuracy * 100, std: r.stdAccuracy * 100, colour: familyColour(r.name),
    })),
    };
  });
  const root = repoRoot();
  const bundle = await build({
    entryPoints: [path.join(root, 'src/ui/panels/charts/accuracy-flops.ts')], bundle: true, write: false, format: 'iife', globalName: 'figure', logLevel: 'error',
  });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 600 * charts.length + 40, height: 470 }, deviceScaleFactor: 2 });
    await page.setContent('<!doctype html><body style="margin:0;display:flex;gap:16px;padding:12px;background:#fff;font-family:system-ui,sans-serif"></body>');
    await page.addStyleTag({ content: readFileSync(path.join(root, 'node_modules/uplot/dist/uPlot.min.css'), 'utf8') });
    await page.addScriptTag({ content: bundle.outputFiles[0].text });
    await page.evaluate(`for (const c of ${JSON.stringify(charts)}) {
      const el = document.createElement('div'); document.body.append(el);
      figure.accuracyFlopsChart(el, c.points, { title: c.title, width: 580, height: 420, xLabel: 'theoretical FLOPs saved (%)' });
    }`);
    const out = path.join(root, 'docs', 'paper-table.png');
    await page.locator('body').screenshot({ path: out });
    console.log(`wrote ${path.relative(root, out)}`);
  } finally {
    await browser.close();
  }
}

main().catch((e: Error) => {
  console.error(`error: ${e.message}`);
  process.exit(1);
});
