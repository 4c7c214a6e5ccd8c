import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LINK_SPEC_PATH, linkSpecText } from './link-spec';

describe('python/sparse_vit/link_spec.json', () => {
  it('is what the TypeScript link tables generate (run `npm run spec:python` after changing them)', () => {
    expect(readFileSync(LINK_SPEC_PATH, 'utf8')).toBe(linkSpecText());
  });
});
