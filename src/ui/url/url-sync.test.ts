import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { presetConfig } from '../../engine/config';

type UrlSync = typeof import('./url-sync');
type Store = typeof import('../store');

const PAGE = 'https://studio.test/app/';

// url-sync and the store keep module state: fresh copies per test, over a minimal location and
// history (replaceState moves the address, as in a browser).
let sync: UrlSync;
let studio: Store['studio'];
let written: string[];

beforeEach(async () => {
  written = [];
  const location = { origin: 'https://studio.test', pathname: '/app/', search: '', href: PAGE };
  vi.stubGlobal('location', location);
  vi.stubGlobal('history', {
    state: null,
    replaceState: (_state: unknown, _title: string, url: string) => {
      written.push(url);
      location.href = url;
    },
  });
  vi.useFakeTimers();
  vi.resetModules();
  sync = await import('./url-sync');
  ({ studio } = await import('../store'));
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('readOpeningLink', () => {
  it('reads the experiment and the UI keys of a link', () => {
    const link = sync.readOpeningLink('?v=1&p=tiny&st=50&s=3&run=1&backend=wasm&theme=dark&panel=masks');
    expect(link.decoded.config).toEqual({ ...presetConfig('tiny'), steps: 50, seed: 3 });
    expect(link.decoded.ignored).toEqual([]);
    expect([link.backend, link.theme, link.panel, link.autostart, link.hasExperiment]).toEqual(['wasm', 'dark', 'masks', true, true]);
  });

  it('treats a bare address as no experiment, not running', () => {
    const link = sync.readOpeningLink('');
    expect([link.backend, link.theme, link.autostart, link.hasExperiment]).toEqual([undefined, undefined, false, false]);
    expect(sync.readOpeningLink('?run=true').autostart).toBe(true);
    expect(sync.readOpeningLink('?run=0').autostart).toBe(false);
  });

  it('reports a backend or theme it does not know, and chooses for itself', () => {
    const link = sync.readOpeningLink('?backend=gpu&theme=blue');
    expect([link.backend, link.theme]).toEqual([undefined, undefined]);
    expect(link.decoded.ignored.map((k) => [k.key, k.value])).toEqual([['backend', 'gpu'], ['theme', 'blue']]);
  });
});

describe('linkFor', () => {
  const config = { ...presetConfig('tiny'), steps: 50, seed: 7 };

  it('is this page with the experiment, then the theme when chosen, then run=1 when asked', () => {
    expect(sync.linkFor(config)).toBe(`${PAGE}?v=1&p=tiny&st=50&s=7`);
    studio.getState().setThemeChoice('dark');
    expect(sync.linkFor(config, { run: true })).toBe(`${PAGE}?v=1&p=tiny&st=50&s=7&theme=dark&run=1`);
  });

  it('says data=local while the data set comes from imported files, and reads it back', async () => {
    const { setImported, clearImported } = await import('../session/imported');
    const fm = { ...presetConfig('fmnist'), seed: 7 };
    setImported('fashion-mnist', [{ name: 'train-images-idx3-ubyte.gz', bytes: new Uint8Array(1) }]);
    expect(sync.linkFor(fm)).toBe(`${PAGE}?v=1&p=fmnist&s=7&data=local`);
    expect(sync.linkFor(config)).toBe(`${PAGE}?v=1&p=tiny&st=50&s=7`); // synthetic: the import does not apply
    clearImported();
    expect(sync.linkFor(fm)).toBe(`${PAGE}?v=1&p=fmnist&s=7`);
    expect(sync.readOpeningLink('?v=1&p=fmnist&data=local').localData).toBe(true);
    const odd = sync.readOpeningLink('?v=1&p=fmnist&data=zip');
    expect(odd.localData).toBe(false);
    expect(odd.decoded.ignored.map((k) => k.key)).toEqual(['data']);
  });

  it('opens as the same experiment', () => {
    const link = sync.readOpeningLink(new URL(sync.linkFor(config, { run: true })).search);
    expect(link.decoded.config).toEqual(config);
    expect(link.autostart).toBe(true);
  });
});

describe('startUrlSync', () => {
  it('writes the link at once, with the backend it was given', () => {
    sync.startUrlSync('wasm');
    expect(written).toEqual([`${PAGE}?v=1&p=tiny&s=0&backend=wasm`]);
  });

  it('writes an edit 120 ms after the last one, once for a burst', () => {
    sync.startUrlSync(undefined);
    written = [];
    studio.getState().setField('steps', 50);
    vi.advanceTimersByTime(100);
    studio.getState().setField('steps', 60);
    vi.advanceTimersByTime(119);
    expect(written).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(written).toEqual([`${PAGE}?v=1&p=tiny&st=60&s=0`]);
  });

  it('follows the theme, ignores the rest of the view, and never writes the address it already has', () => {
    sync.startUrlSync(undefined);
    written = [];
    studio.getState().setHelpOpen(true);
    vi.advanceTimersByTime(500);
    expect(written).toEqual([]);
    studio.getState().setThemeChoice('light');
    vi.advanceTimersByTime(120);
    expect(written).toEqual([`${PAGE}?v=1&p=tiny&s=0&theme=light`]);
    studio.getState().setField('steps', 77);
    studio.getState().setField('steps', presetConfig('tiny').steps); // back where it was
    vi.advanceTimersByTime(120);
    expect(written).toEqual([`${PAGE}?v=1&p=tiny&s=0&theme=light`]);
  });

  it('stops writing once unsubscribed, pending edit included', () => {
    const stop = sync.startUrlSync(undefined);
    written = [];
    studio.getState().setField('steps', 50);
    stop();
    studio.getState().setField('steps', 60);
    vi.advanceTimersByTime(1000);
    expect(written).toEqual([]);
  });
});
