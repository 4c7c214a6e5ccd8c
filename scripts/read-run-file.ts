// Prints what the studio reads from a run file (Runs → Import): the record's config and accuracy,
// every saved step's loss and the evaluations, as JSON. The Python tests use it to check that a
// run file written by sparse_vit imports and that its curves equal its summary.json.
// Run: npx tsx scripts/read-run-file.ts FILE.svrun.gz
import { readFileSync } from 'node:fs';
import { decodeRunFile } from '../src/ui/runs/run-file';

const file = process.argv[2];
if (!file) throw new Error('usage: npx tsx scripts/read-run-file.ts FILE.svrun.gz');
const run = decodeRunFile(file, readFileSync(file));
const frames = run.chunks.flatMap((c) => c.frames);
console.log(JSON.stringify({
  link: run.record.link, status: run.record.status, accuracy: run.record.accuracy, step: run.record.step,
  steps: frames.flatMap((f) => [...f.steps]), losses: frames.flatMap((f) => [...f.loss]),
  evals: run.chunks.flatMap((c) => c.evals),
}));
