// Writes python/sparse_vit/link_spec.json from the TypeScript tables. Run: npm run spec:python
import { writeFileSync } from 'node:fs';
import { LINK_SPEC_PATH, linkSpecText } from '../src/cli/python/link-spec';

writeFileSync(LINK_SPEC_PATH, linkSpecText());
console.log(`wrote ${LINK_SPEC_PATH}`);
