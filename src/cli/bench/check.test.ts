// `bench --check`'s subset and its comparison, on the stored results (the reruns themselves run in
// CI as `npm run bench -- --check`): every tiny row of the paper table and of the ablations is
// claimed once, and a claim that differs by 0.001 in accuracy or by one loss fails.
import { describe, expect, it } from 'vitest';
import { byLink, checkItems, differences, type CheckItem } from './check';
import { loadResults } from './results';

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
});
