import { describe, expect, it } from 'vitest';
import * as tf from '../tf';
import { AdamW } from '../optim/adamw';
import { CompactParams } from './compact-params';

describe('CompactParams', () => {
  it('takes live rows/columns with their moments, writes changes back, and restores the full layout', () => {
    const before = tf.memory().numTensors;
    const [w, bias] = tf.tidy(() => [
      tf.variable(tf.tensor2d([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]), true, 'compact-test/w'),
      tf.variable(tf.tensor1d([1, 2, 3]), true, 'compact-test/b'),
    ]);
    const full = new Map<string, tf.Variable>([['w', w], ['b', bias]]);
    const opt = new AdamW();
    opt.addParam('w', [3, 4], true);
    opt.addParam('b', [3], false);
    // One step so the moments are not all zero.
    tf.tidy(() => opt.apply(full, new Map([['w', tf.ones([3, 4])], ['b', tf.ones([3])]]), 0, 0));
    const cols = tf.tensor1d([1, 3], 'int32'), rows = tf.tensor1d([0, 2], 'int32');
    const cp = new CompactParams(full, opt);
    cp.gather([{ name: 'w', axis: 1, idx: cols }, { name: 'b', axis: 0, idx: rows }]);
    expect(cp.active).toBe(true);
    const compact = cp.overlay();
    expect(Array.from(compact.get('w')!.dataSync())).toEqual([2, 4, 6, 8, 10, 12]);
    expect(Array.from(compact.get('b')!.dataSync())).toEqual([1, 3]);
    tf.tidy(() => { expect(opt.moments('w')!.m.shape).toEqual([3, 2]); });
    expect(compact.get('w')).not.toBe(w);
    // Train the compact copy (here: overwrite it), then flush: live entries change, dead ones stay.
    tf.tidy(() => compact.get('w')!.assign(tf.fill([3, 2], -1)));
    cp.flush();
    expect(Array.from(w.dataSync())).toEqual([1, -1, 3, -1, 5, -1, 7, -1, 9, -1, 11, -1]);
    cp.release();
    expect(cp.active).toBe(false);
    // Moments back in the full layout: live entries kept theirs, dead ones are zero.
    tf.tidy(() => {
      const m = opt.moments('w')!.m.dataSync();
      expect(m.length).toBe(12);
      expect(Array.from(m).map((v) => (v === 0 ? 0 : 1))).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
      expect(Array.from(opt.moments('b')!.m.dataSync()).map((v) => (v === 0 ? 0 : 1))).toEqual([1, 0, 1]);
    });
    opt.dispose();
    tf.dispose([w, bias, cols, rows]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
