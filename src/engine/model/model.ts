// The ViT's parameters as tfjs variables keyed by timm name. Variable names are global in tfjs,
// so each model gets a unique prefix: several models (tests, A/B runs) can live side by side.
import * as tf from '../tf';
import type { ModelConfig } from '../config';
import { Rng } from '../rng';
import { initParam } from './init';
import { paramSpecs, POSITION_BIAS, type ParamSpec } from './params';

let modelCounter = 0;

export class ViTModel {
  readonly specs: ParamSpec[];
  readonly params = new Map<string, tf.Variable>();
  private readonly prefix = `vit${++modelCounter}/`;

  /** `positionPrior`: the SViTE+ selector's per-patch bias starts there (no random draw: the
   *  other parameters' init is the same with or without it). */
  constructor(readonly config: ModelConfig, seed: number, withSelector = false, positionPrior?: Float32Array) {
    this.specs = paramSpecs(config, withSelector, !!positionPrior);
    const rng = new Rng(seed).fork(1);
    for (const spec of this.specs) {
      const values = spec.name === POSITION_BIAS && positionPrior ? positionPrior : initParam(spec, rng);
      const init = tf.tensor(values, spec.shape, 'float32');
      this.params.set(spec.name, tf.variable(init, true, this.prefix + spec.name));
      init.dispose();
    }
  }

  /** Whether a tfjs variable name is one of this model's parameters. */
  owns(variableName: string): boolean {
    return variableName.startsWith(this.prefix);
  }

  /** timm name of a tfjs variable name. */
  nameOf(variableName: string): string {
    return variableName.startsWith(this.prefix) ? variableName.slice(this.prefix.length) : variableName;
  }

  /** Copy of every parameter's values, our layout. */
  async read(): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    for (const [name, v] of this.params) out.set(name, (await v.data() as Float32Array).slice());
    return out;
  }

  /** Overwrite parameters from values in our layout (import, tests). */
  write(values: Map<string, Float32Array>): void {
    for (const [name, data] of values) {
      const v = this.params.get(name);
      if (!v) throw new Error(`unknown parameter ${name}`);
      tf.tidy(() => v.assign(tf.tensor(data, v.shape, 'float32')));
    }
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
    this.params.clear();
  }
}
