// For e2e/tryit.spec.ts: the prediction of a saved model on test image i through the evaluation
// path (evalBatches + Trainer.predict, as `cli eval` runs it), outside the studio.
// Run: node scripts/run-ts.mjs e2e/predict-test-image.ts FILE.safetensors INDEX
import { readFileSync } from 'node:fs';
import * as tf from '../src/engine/tf';
import { useBackend } from '../src/backend/node';
import { loadForConfig } from '../src/cli/load-data';
import { evalBatches } from '../src/engine/data/batch';
import { importModel } from '../src/engine/io/checkpoint';
import { Trainer } from '../src/engine/trainer';

const [file, index] = process.argv.slice(2);
const i = Number(index);
const m = importModel(new Uint8Array(readFileSync(file)), file);
await useBackend('wasm');
const data = loadForConfig(m.config);
const trainer = await Trainer.create(m.config, data);
trainer.restore(m);
const batch = [...evalBatches(data.test, 1, data.mean, data.std, i + 1)][i];
const x = tf.tensor4d(batch.x, [1, m.config.imageSize, m.config.imageSize, m.config.inChans]);
const probs = Array.from(await tf.softmax(trainer.predict(x)).data());
const top = [...probs.keys()].sort((a, b) => probs[b] - probs[a]).slice(0, 5).map((cls) => ({ cls, prob: probs[cls] }));
console.log(JSON.stringify({ label: batch.y[0], pred: top[0].cls, top }));
// WASM's thread pool (worker_threads) keeps a Node process alive once its work is done: end it here.
process.exit(0);
