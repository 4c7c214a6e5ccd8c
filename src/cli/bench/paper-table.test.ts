import { describe, expect, it } from 'vitest';
import { parseRowIds } from './paper-table';

describe('paper-table row selection', () => {
  it("splits row ids on '+', which SViTE+'s own ids contain", () => {
    expect(parseRowIds('dense+svite+-0.7+svite+-0.7-centre')).toEqual(['dense', 'svite+-0.7', 'svite+-0.7-centre']);
    expect(parseRowIds('svite+-0.9')).toEqual(['svite+-0.9']);
    expect(() => parseRowIds('dense+svite')).toThrow(/unknown paper-table row in "svite"/);
  });
});
