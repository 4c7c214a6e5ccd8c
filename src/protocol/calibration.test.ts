// The calibrated backend choice as pure data: which backend wins, what the cache keeps, what
// the badge says.
import { describe, expect, it } from 'vitest';
import { presetConfig } from '../engine/config';
import {
  backendAnswers, CALIBRATION_CACHE_SIZE, calibrationKey, describeCalibration, findCalibration, isSoftwareAdapter,
  latestWithout, parseCalibrationCache, pickFastest, rememberCalibration, shapeKey, type Calibration,
} from './calibration';

const SWIFTSHADER = 'google / swiftshader / SwiftShader Device (Subzero)';

function cal(key: string, over: Partial<Calibration> = {}): Calibration {
  return {
    key, shapes: key.split('|')[1] ?? key, chosen: 'wasm', costMs: 2100, measuredAt: 1,
    measurements: [
      { backend: 'wasm', firstStepMs: 400, imagesPerSec: 552 },
      { backend: 'webgpu', firstStepMs: 2003, skipped: 'first step over 2 s', device: 'SwiftShader', software: true },
    ],
    ...over,
  };
}

describe('calibration', () => {
  it('picks the fastest measured backend, never one without a rate', () => {
    expect(pickFastest([{ backend: 'webgpu', imagesPerSec: 6 }, { backend: 'wasm', imagesPerSec: 552 }, { backend: 'webgl', skipped: 'unavailable' }])).toBe('wasm');
    expect(pickFastest([{ backend: 'wasm', imagesPerSec: 552 }, { backend: 'webgpu', imagesPerSec: 4000 }])).toBe('webgpu');
    expect(pickFastest([{ backend: 'webgpu', skipped: 'first step over 2 s' }, { backend: 'wasm', imagesPerSec: NaN }])).toBeUndefined();
    expect(pickFastest([])).toBeUndefined();
  });

  it('keys on the step-cost shapes only: lr, steps and seed share a result; batch, width and method do not', () => {
    const tiny = presetConfig('tiny');
    expect(shapeKey({ ...tiny, lr: 0.1, steps: 5, seed: 9 })).toBe(shapeKey(tiny));
    for (const other of [{ ...tiny, batchSize: 64 }, { ...tiny, embedDim: 64 }, { ...tiny, method: 'svite' as const }, { ...tiny, tokenKeep: 0.5 }])
      expect(shapeKey(other)).not.toBe(shapeKey(tiny));
    expect(shapeKey(presetConfig('fmnist'))).not.toBe(shapeKey(tiny));
    expect(calibrationKey(SWIFTSHADER, shapeKey(tiny))).not.toBe(calibrationKey('nvidia / ampere / RTX', shapeKey(tiny)));
  });

  it('flags software adapters', () => {
    expect(isSoftwareAdapter(SWIFTSHADER)).toBe(true);
    expect(isSoftwareAdapter('ANGLE (Mesa, llvmpipe (LLVM 15.0.6, 256 bits), OpenGL 4.5)')).toBe(true);
    expect(isSoftwareAdapter('apple / metal-3 / Apple M2', true)).toBe(true); // isFallbackAdapter
    expect(isSoftwareAdapter('nvidia / ampere / NVIDIA GeForce RTX 3080')).toBe(false);
  });

  it('says what was measured and what won', () => {
    const text = describeCalibration(cal('a|s', {
      measurements: [{ backend: 'webgpu', imagesPerSec: 6.2, device: 'SwiftShader', software: true }, { backend: 'wasm', imagesPerSec: 552.4 }],
    }));
    expect(text).toBe('WebGPU · SwiftShader (software) 6.2 img/s · WASM 552 img/s → WASM');
    expect(describeCalibration(cal('a|s'))).toBe('WASM 552 img/s · WebGPU · SwiftShader (software) – (first step over 2 s) → WASM');
  });

  it('caches one result per key, newest first, bounded, without the fromCache mark', () => {
    let cache: Calibration[] = [];
    cache = rememberCalibration(cache, cal('gpu|a'));
    cache = rememberCalibration(cache, cal('gpu|b'));
    cache = rememberCalibration(cache, { ...cal('gpu|a', { chosen: 'webgpu' }), fromCache: true });
    expect(cache.map((c) => c.key)).toEqual(['gpu|a', 'gpu|b']);
    expect(findCalibration(cache, 'gpu|a')?.chosen).toBe('webgpu');
    expect(findCalibration(cache, 'gpu|a')?.fromCache).toBeUndefined();
    expect(findCalibration(cache, 'other|a')).toBeUndefined();
    for (let i = 0; i < CALIBRATION_CACHE_SIZE + 5; i++) cache = rememberCalibration(cache, cal(`gpu|${i}`));
    expect(cache).toHaveLength(CALIBRATION_CACHE_SIZE);
    expect(cache[0].key).toBe(`gpu|${CALIBRATION_CACHE_SIZE + 4}`);
  });

  it('with the adapter unanswering, takes the newest answer for the shapes that did not pick that backend', () => {
    const cache = [cal('gpu1|s', { shapes: 's', chosen: 'webgpu' }), cal('gpu2|t', { shapes: 't' }), cal('gpu3|s', { shapes: 's' }), cal('gpu4|s', { shapes: 's' })];
    expect(latestWithout(cache, 's', 'webgpu')?.key).toBe('gpu3|s');
    expect(latestWithout(cache, 'u', 'webgpu')).toBeUndefined();
  });

  it('reads back what it stored and drops anything malformed', () => {
    const stored = JSON.stringify([cal('gpu|a'), { key: 'x' }, cal('gpu|b', { chosen: 'tpu' as never }), 7]);
    expect(parseCalibrationCache(stored).map((c) => c.key)).toEqual(['gpu|a']);
    expect(parseCalibrationCache(null)).toEqual([]);
    expect(parseCalibrationCache('{not json')).toEqual([]);
    expect(parseCalibrationCache('{"key":"a"}')).toEqual([]);
  });

  it('keeps the current backend only when it answers the request', () => {
    const tiny = presetConfig('tiny'), fmnist = presetConfig('fmnist');
    const measured = { backend: 'wasm', adapter: SWIFTSHADER, crossOriginIsolated: true, calibration: cal(`a|${shapeKey(tiny)}`) } as const;
    const forced = { backend: 'webgpu', requested: 'webgpu', adapter: SWIFTSHADER, crossOriginIsolated: true } as const;
    expect(backendAnswers(measured, undefined, { config: { ...tiny, lr: 0.5 } })).toBe(true); // same shapes
    expect(backendAnswers(measured, undefined, { config: fmnist })).toBe(false); // other shapes: measure them
    expect(backendAnswers(measured, undefined, { config: tiny, remeasure: true })).toBe(false);
    expect(backendAnswers(measured, 'wasm')).toBe(false); // measured is not forced: the link asks for wasm by name
    expect(backendAnswers(forced, 'webgpu')).toBe(true);
    expect(backendAnswers(forced, undefined, { config: tiny })).toBe(false); // back to automatic
    expect(backendAnswers(forced, undefined)).toBe(true); // no backend, no shapes: whatever runs
  });
});
