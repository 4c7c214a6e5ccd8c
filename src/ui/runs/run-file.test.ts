import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gzipSync, strToU8 } from 'fflate';
import { presetConfig } from '../../engine/config';
import type { RunRecord } from './db';
import type { LoadedRun } from './history';
import { asImported, decodeRunFile, encodeRunFile, RUN_FILE_FORMAT, RunFileError } from './run-file';

function run(): LoadedRun {
  const record: RunRecord = {
    id: 'a1', name: 'SViTE · tiny · seed 0', starred: true, status: 'finished', link: 'v=1&p=tiny&m=svite', config: { ...presetConfig('tiny'), method: 'svite' },
    preset: 'tiny', backend: 'wasm', adapter: '', startedAt: 1, endedAt: 2, updatedAt: 2, step: 3, totalSteps: 3, lastLoss: NaN,
    accuracy: 0.5, testLoss: Infinity, flops: null, finalFlops: null, meta: null, paramsCount: 10, msPerStep: NaN, elapsedMs: 9,
    confusion: { numClasses: 2, counts: Int32Array.from([3, 1, 0, 4]) }, bytes: 100,
  };
  return {
    record,
    chunks: [{
      runId: 'a1', seq: 0, evals: [{ step: 3, accuracy: null, loss: NaN, count: 8, reason: 'final', elapsedMs: 9 }],
      frames: [{
        step: 3, elapsedMs: 9, steps: Int32Array.from([1, 2, 3]), loss: Float32Array.from([2.5, NaN, 1.25]), lr: Float32Array.from([0.1, 0.2, 0.3]),
        tau: new Float32Array(3), stepMs: Float32Array.from([1, 2, 3]), updates: [], globalDensity: 0.5, globalFiredDensity: NaN,
        flops: { dense: 10, theoretical: 5, executed: 8, savedTheoretical: 0.5, savedExecuted: 0.2 },
      }],
      samples: { images: Uint8Array.from([0, 255, 7]), count: 1, height: 1, width: 3, channels: 1 },
    }],
    snapshots: [{ runId: 'a1', step: 3, snapshot: { step: 3, masks: [], density: { 'blocks.0.attn.qkv.weight': 0.5 }, firedDensity: {}, globalDensity: 0.5, globalFiredDensity: NaN, headsAlive: Uint8Array.from([1, 0]), headScores: null, neuronsAlive: null, keptTokens: null, keptPerSample: 0 } }],
  };
}

describe('run file', () => {
  it('reads back exactly what was saved: typed arrays, NaN and infinities included', () => {
    const back = decodeRunFile('r.svrun.gz', encodeRunFile(run()));
    expect(back).toEqual(run());
    expect(back.chunks[0].frames[0].loss).toBeInstanceOf(Float32Array);
    expect(Number.isNaN(back.chunks[0].frames[0].loss[1])).toBe(true);
    expect(back.record.testLoss).toBe(Infinity);
  });

  it('imports under a new id, not running, never starred, every chunk and snapshot re-keyed', () => {
    const live = run();
    live.record.status = 'running';
    live.record.checkpointStep = 2;
    const got = asImported(live, 'new');
    expect(got.record).toMatchObject({ id: 'new', status: 'stopped', starred: false, name: 'SViTE · tiny · seed 0 (imported)' });
    expect(got.record.checkpointStep).toBeUndefined();
    expect([...got.chunks, ...got.snapshots].map((x) => x.runId)).toEqual(['new', 'new']);
  });

  it('refuses other files with a message naming the file, whatever the bytes', () => {
    const refused = (bytes: Uint8Array): string => {
      try {
        decodeRunFile('x.svrun.gz', bytes);
      } catch (err) {
        if (!(err instanceof RunFileError) && !(err instanceof Error && /x\.svrun\.gz/.test(err.message))) throw err;
        return (err as Error).message;
      }
      return '';
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      const message = refused(bytes);
      expect(message).toMatch(/^x\.svrun\.gz: /);
      expect(message, 'the JSON parser\'s own text').not.toMatch(/Unexpected|JSON at position|is not valid JSON/);
    }), { numRuns: 500 });
    // A random binary file and a text file that is not JSON, in words.
    expect(refused(Uint8Array.from({ length: 64 }, (_, i) => (i * 37) % 256))).toMatch(/not a run file: it holds binary data, and a run file is the JSON/);
    expect(refused(strToU8('hello, world'))).toMatch(/not a run file: its text is not JSON/);
    const json = (v: unknown): Uint8Array => gzipSync(strToU8(JSON.stringify(v)));
    expect(refused(json({ format: 'something/else' }))).toMatch(/expected format .* found "something\/else"/);
    const body = JSON.parse(new TextDecoder().decode(strToU8(JSON.stringify({ format: RUN_FILE_FORMAT, record: { ...run().record, confusion: null, lastLoss: 0, testLoss: 0, msPerStep: 0 }, chunks: [], snapshots: [] }))));
    body.record.config.patchSize = 5;
    expect(refused(json(body))).toMatch(/config is invalid: imageSize 16 is not divisible by patchSize 5/);
    expect(refused(json({ ...body, record: { ...body.record, config: presetConfig('tiny') }, chunks: [{ frames: [{ steps: [1] }], evals: [] }] }))).toMatch(/chunk 0, frame 0 is damaged/);
    expect(refused(json({ format: RUN_FILE_FORMAT, record: { $typed: 'Function', b64: '' } }))).toMatch(/unknown array type "Function"/);
  });
});
