// The README's measured figures are generated from bench/results (figures.ts): each must be what its
// result says (the presets table's too), and "What to expect" may hold no measured-looking number outside a marker, so a figure
// typed by hand (and left to drift) fails here.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../node-datasets';
import { figureMarkers, withoutFigures } from './figures';
import { loadResults } from './results';

const readme = readFileSync(path.join(repoRoot(), 'README.md'), 'utf8');

/** A number with a unit a measurement has (%, a ratio ×, points, images/s, ms), or a ± spread; 16×16 is a shape. */
const MEASURED = /±|\d(?:[\d,.]*\d)?\s?(?:%|×(?!\d)|\s?points?\b|\s?pts\b|\s?images\/s|\s?ms\b)/g;

/** The README's part between a heading and the next heading of the same level. */
function part(heading: string): string {
  const at = readme.indexOf(`\n${heading}\n`);
  expect(at, `README has no "${heading}"`).toBeGreaterThan(0);
  const level = heading.split(' ')[0];
  const next = readme.indexOf(`\n${level} `, at + heading.length + 2);
  return readme.slice(at, next < 0 ? undefined : next);
}

describe('README figures', () => {
  it('each marked figure is its stored result', () => {
    const markers = figureMarkers(readme, loadResults());
    expect(markers.length).toBeGreaterThan(10);
    const wrong = markers.filter((m) => m.shown !== m.generated).map((m) => `${m.key}: README "${m.shown}", results "${m.generated}"`);
    expect(wrong, 'rerun `npm run bench -- --only render`').toEqual([]);
  });

  it('"What to expect" holds no measured number outside a marker', () => {
    for (const heading of ['## What to expect (measured)']) {
      const typed = withoutFigures(part(heading)).split('\n').filter((l) => !l.startsWith('![') && l.match(MEASURED));
      expect(typed, `${heading}: put each measured figure in a <!--fig:…--> marker (src/cli/bench/figures.ts)`).toEqual([]);
    }
  });
});
