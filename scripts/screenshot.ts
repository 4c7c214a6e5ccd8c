// `npm run screenshot -- [--scene studio|share|tryit|walk|all] [--out docs/screenshots] [--steps 40]
// [--theme light|dark] [--backend wasm] [--query LINK]`: pictures of the studio in headless Chromium at
// 1440×900 and 390×844. `studio` (the default): mid-run, by default SViTE+ on the tiny preset (--query:
// another experiment link, with run=1); `share`: the Export menu, the share popover and a results
// link opened; `tryit`: the Try-it panel; `walk`: backend details, Share, Runs and
// Compare with two same-named runs, and fmnist on a server that does not serve it. For looking at, not for asserting.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium } from '../e2e/chromium';
import type { Scene } from './screenshots/scene';
import { shareScene } from './screenshots/share';
import { STUDIO_EXPERIMENT, studioScene } from './screenshots/studio';
import { tryitScene } from './screenshots/tryit';
import { walkScene } from './screenshots/walk';
import { root, serveBuilt } from './serve-built';

const { values: flags } = parseArgs({
  options: {
    scene: { type: 'string', default: 'studio' },
    out: { type: 'string', default: 'docs/screenshots' },
    steps: { type: 'string', default: '40' },
    theme: { type: 'string', default: 'light' },
    backend: { type: 'string' },
    query: { type: 'string', default: STUDIO_EXPERIMENT },
  },
});
const log = (s: string): void => console.log(`[screenshot] ${s}`);

const SCENES: Record<string, Scene> = {
  studio: studioScene({ query: flags.query, steps: Number(flags.steps), theme: flags.theme === 'dark' ? 'dark' : 'light', backend: flags.backend }),
  share: shareScene,
  tryit: tryitScene,
  walk: walkScene,
};

async function main(): Promise<void> {
  const names = flags.scene === 'all' ? Object.keys(SCENES) : [flags.scene];
  const unknown = names.filter((n) => !(n in SCENES));
  if (unknown.length) throw new Error(`unknown scene ${unknown.join(', ')}: use one of ${Object.keys(SCENES).join(', ')} or all`);
  const outDir = path.resolve(root, flags.out);
  mkdirSync(outDir, { recursive: true });
  log('building the studio…');
  const server = await serveBuilt(path.join(root, '.cache', 'screenshot', 'dist'));
  const browser = await launchChromium();
  try {
    for (const name of names) {
      log(`scene ${name}`);
      await SCENES[name]({ browser, base: server.base, outDir, log });
    }
    log(`written to ${path.relative(process.cwd(), outDir) || '.'}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
