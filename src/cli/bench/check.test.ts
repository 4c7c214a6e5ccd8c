// `bench --check`'s subset and its comparison, on the stored results (the reruns themselves run in
// CI as `npm run bench -- --check`): every tiny row of the paper table and of the ablations is
// claimed once, and a claim that differs by 0.001 in accuracy or by one loss fails.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeConfig } from '../../engine/config-url';
import { MissingDataError } from '../../engine/data/sources';
import { cachedLoader } from '../load-data';
import { byLink, checkItems, differences, shardOf, stampReproduced, verdicts, type CheckItem } from './check';
import { freshness, numericsFingerprint, type Provenance } from './provenance';
import { loadResults, type SectionResult } from './results';

const results = loadResults();
const items = checkItems(results);

describe('bench --check', () => {
  it('claims the first seed of every tiny paper-table and ablation row, and the 10-minute run\'s first losses', () => {
    const paper = results.find((r) => r.section === 'paper-table');
    const tiny = paper?.section === 'paper-table' ? paper.data.presets.find((p) => p.preset === 'tiny') : undefined;
    expect(items.filter((i) => i.source.startsWith('paper-table tiny')).length).toBe(tiny?.rows.length);
    const ablations = results.find((r) => r.section === 'ablations');
    const rows = ablations?.section === 'ablations' ? ablations.data.groups.flatMap((g) => g.rows) : [];
    expect(items.filter((i) => i.source.startsWith('ablations')).length).toBe(rows.length);
    for (const i of items) expect(i.config).toMatch(/^v=1&p=/);
  });

  it('an exact rerun passes; 0.001 of accuracy, one loss or a failed run does not', () => {
    const item: CheckItem = { source: 's', config: 'v=1&p=tiny&s=0', testAccuracy: 0.954, lossDigest: 'abc', losses: [2.3, 2.2] };
    expect(differences(item, { testAccuracy: 0.954, lossDigest: 'abc', losses: [2.3, 2.2, 2.1] })).toEqual([]);
    expect(differences(item, { testAccuracy: 0.955, lossDigest: 'abc', losses: [2.3, 2.2] })).toEqual(['test accuracy: stored 0.954, now 0.955']);
    expect(differences(item, { testAccuracy: 0.954, lossDigest: 'abd', losses: [2.3, 2.2] })).toHaveLength(1);
    expect(differences(item, { testAccuracy: 0.954, lossDigest: 'abc', losses: [2.3, 2.2000001] })).toEqual(['loss at step 2: stored 2.2, now 2.2000001']);
    expect(differences(item, { error: 'the loss at step 3 is NaN' })).toEqual(['the loss at step 3 is NaN']);
  });

  it('reruns a link once, and reports two stored claims on one link that disagree', () => {
    const a: CheckItem = { source: 'paper-table tiny · dense', config: 'v=1&p=tiny&s=0', testAccuracy: 0.9 };
    const { runs, conflicts } = byLink([a, { ...a, source: 'ablations tiny-dense' }, { ...a, source: 'ablations svite-growth', testAccuracy: 0.901 }]);
    expect(runs).toHaveLength(1);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatch(/ablations svite-growth and paper-table tiny · dense claim different results/);
  });

  it('a claim whose data set is missing is skipped with how to get it, except under CI; one never reported fails', () => {
    // The check tells a missing data set from a broken run by the loader's error class.
    const empty = mkdtempSync(path.join(os.tmpdir(), 'no-data-'));
    const fmnist = items.find((i) => i.source.startsWith('fmnist-10min'))!;
    try {
      expect(() => cachedLoader(empty)(decodeConfig(fmnist.config).config)).toThrow(MissingDataError);
    } finally { rmSync(empty, { recursive: true }); }

    const a: CheckItem = { source: 'fmnist-10min · the first 200 losses', config: fmnist.config, losses: [2.3] };
    const b: CheckItem = { source: 'paper-table tiny · dense · seed 0', config: 'v=1&p=tiny&s=0', testAccuracy: 0.9 };
    const missing = { index: 0, got: { error: 'fashion-mnist is incomplete', missingData: true } };
    const here = verdicts([a, b], [missing, { index: 1, got: { testAccuracy: 0.9 } }], false);
    expect(here.failures).toEqual([]);
    expect(here.skipped).toEqual([a.source]);
    expect(here.lines.at(-1)).toMatch(/1 stored claim not checked: its data set is not on this machine \(npm run datasets/);
    const ci = verdicts([a, b], [missing], true);
    expect(ci.skipped).toEqual([]);
    expect(ci.failures).toHaveLength(2);
    expect(ci.failures[0]).toMatch(/fashion-mnist is incomplete/);
    expect(ci.failures[1]).toMatch(/not rerun: its check process ended without reporting it/);
  });

  it('--all claims every accuracy table, fmnist included, and shards balance on work, not on counts', () => {
    const all = checkItems(results, true);
    expect(all.length).toBeGreaterThan(items.length);
    const paper = results.find((r) => r.section === 'paper-table');
    const rows = paper?.section === 'paper-table' ? paper.data.presets.reduce((a, p) => a + p.rows.length, 0) : 0;
    expect(all.filter((i) => i.source.startsWith('paper-table')).length).toBe(rows);
    for (const s of ['accuracy-svite', 'accuracy-structured']) expect(all.some((i) => i.part?.section === s)).toBe(true);
    expect(all.every((i) => i.part || i.stopAt)).toBe(true);

    const run = (steps: number): CheckItem => ({ source: `${steps}`, config: `v=1&p=tiny&st=${steps}&s=0` });
    // Greedy by cost: the long run alone on one shard, the four short ones on the other.
    expect(shardOf([run(100), run(100), run(400), run(100), run(100)], 2)).toEqual([1, 1, 0, 1, 1]);
  });

  it('a full check stamps the parts it reproduced, the section when all were; a stamp under the current numerics is fresh', () => {
    const prov = (numerics: string): Provenance => ({ commit: 'abc1234', numerics, clean: true, changed: [], load: { cores: 2, start: 0, max: 0, mean: 0, samples: 1 } });
    const preset = (name: string) => ({ preset: name, provenance: prov('old'), steps: 1, batchSize: 1, seeds: [0], testImages: 1, rows: [] });
    const table = (presets: string[]): SectionResult => ({ section: 'paper-table', title: '', measuredAt: '', machine: '', wallMs: 0, provenance: prov('old'), data: { presets: presets.map(preset) } });
    const stamp = { numerics: 'new', commit: 'def5678', at: '2026-12-07T00:00:00Z' };
    const claim = (key: string): CheckItem => ({ source: key, config: `v=1&p=${key}&s=0`, part: { section: 'paper-table', key } });

    const both = table(['tiny', 'fmnist']);
    expect(stampReproduced([claim('tiny'), { ...claim('fmnist'), alsoIn: [{ section: 'paper-table', key: 'fmnist' }] }], [both], stamp)).toEqual([both]);
    if (both.section !== 'paper-table') throw new Error('unreachable');
    expect(both.data.presets.map((p) => p.provenance?.reproduced?.runs)).toEqual([1, 2]);
    expect(both.provenance?.reproduced).toEqual({ ...stamp, runs: 3 });

    const half = table(['tiny', 'fmnist']);
    stampReproduced([claim('tiny')], [half], stamp);
    if (half.section !== 'paper-table') throw new Error('unreachable');
    expect(half.data.presets[1].provenance?.reproduced).toBeUndefined();
    expect(half.provenance?.reproduced).toBeUndefined(); // not every part was rerun

    const here = numericsFingerprint();
    expect(freshness({ ...prov('old'), reproduced: { ...stamp, numerics: here, runs: 1 } }).stale).toBe(false);
    expect(freshness({ ...prov('old'), reproduced: { ...stamp, runs: 1 } }).stale).toBe(true); // stamped under other files
    expect(freshness(prov('old')).stale).toBe(true);
  });
});
