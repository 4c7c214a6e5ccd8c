import { describe, expect, it } from 'vitest';
import { sweepKeyIssues } from './sweep-link';

describe('sweepKeyIssues', () => {
  it('a bad seeds=, a stray seeds= and an unknown method are reported; a good sweep link is not', () => {
    expect(sweepKeyIssues({ sweep: 'dense,svite', seeds: '-1' })).toEqual([{ key: 'seeds', value: '-1', reason: expect.stringMatching(/whole number from 1 to 20/) }]);
    expect(sweepKeyIssues({ seeds: '2' })).toEqual([{ key: 'seeds', value: '2', reason: expect.stringMatching(/only read with sweep=/) }]);
    expect(sweepKeyIssues({ sweep: 'dense,bogus' })).toEqual([{ key: 'sweep', value: 'dense,bogus', reason: expect.stringMatching(/names no sweep method/) }]);
    expect(sweepKeyIssues({ sweep: 'dense,svite', seeds: '2' })).toEqual([]);
    expect(sweepKeyIssues({ run: '1' })).toEqual([]);
  });
});
