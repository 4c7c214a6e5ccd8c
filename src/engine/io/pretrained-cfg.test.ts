import { describe, expect, it } from 'vitest';
import { presetConfig, type ExperimentConfig } from '../config';
import { paramSpecs } from '../model/params';
import { Rng } from '../rng';
import { sizeOf } from '../facts/shape';
import { exportModel, importModel } from './checkpoint';
import { decodeSafetensors, encodeSafetensors } from './safetensors';
import { toTimmLayout } from './timm-layout';

describe("timm's pretrained_cfg in the model file", () => {
  const config: ExperimentConfig = { ...presetConfig('cifar10'), embedDim: 16, depth: 1, numHeads: 2 };
  const specs = paramSpecs(config);
  const rng = new Rng(9);
  const params = new Map(specs.map((s) => [s.name, Float32Array.from({ length: sizeOf(s.shape) }, () => rng.normal())]));
  const data = {
    mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616],
    classNames: ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'],
  };
  const bytes = exportModel({ config, specs, params, data });

  it("stores mean, std, input_size [C, H, W], num_classes and label_names under timm's names", () => {
    const cfg = JSON.parse(decodeSafetensors(bytes).metadata.pretrained_cfg);
    expect(cfg).toMatchObject({ input_size: [3, 32, 32], mean: data.mean, std: data.std, num_classes: 10, label_names: data.classNames });
  });

  it('round-trips through import', () => {
    expect(importModel(bytes, 'm').preprocessing).toEqual({ ...data, inputSize: [3, 32, 32], numClasses: 10 });
  });

  it('still imports files written without it (preprocessing null)', () => {
    const old = exportModel({ config, specs, params });
    expect(decodeSafetensors(old).metadata.pretrained_cfg).toBeUndefined();
    const got = importModel(old, 'old.safetensors');
    expect(got.preprocessing).toBeNull();
    expect(got.params).toEqual(params);
  });

  it('refuses to export statistics that do not fit the model', () => {
    expect(() => exportModel({ config, specs, params, data: { ...data, mean: [0.5] } }))
      .toThrow(/cannot export the model:\n {2}- metadata 'pretrained_cfg' does not fit the model:\n {2}- mean is \[0\.5\], expected 3 finite number\(s\), one per channel/);
  });

  it('names every broken field of a stored pretrained_cfg, with the file name', () => {
    const { metadata } = decodeSafetensors(bytes);
    const withCfg = (cfg: string): Uint8Array => encodeSafetensors(
      specs.map((s) => ({ name: s.name, dtype: 'F32' as const, shape: s.timmShape, data: toTimmLayout(s, params.get(s.name)!) })),
      { ...metadata, pretrained_cfg: cfg });
    expect(() => importModel(withCfg('{'), 'a.safetensors')).toThrow(/^a\.safetensors: metadata 'pretrained_cfg' is not valid JSON$/);
    const broken = { input_size: [1, 32, 32], mean: [0, 0, 'x'], std: [1, 0, 1], num_classes: 7, label_names: 'cat' };
    const message = (() => {
      try {
        importModel(withCfg(JSON.stringify(broken)), 'b.safetensors');
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    })();
    expect(message).toMatch(/^b\.safetensors: metadata 'pretrained_cfg' does not fit the model:/);
    for (const part of [/input_size is \[1,32,32\], expected \[3,32,32\]/, /mean is \[0,0,"x"\]/, /std \[1,0,1\] must be positive/, /num_classes is 7, expected 10/, /label_names must be a list of at most 10 strings/])
      expect(message).toMatch(part);
  });
});
