// tfjs backends in Node: WASM by default (about 4× the pure-JS CPU backend here), CPU as the
// fallback. tfjs-node is not used: it downloads a native binary at install time.
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '../engine/tf';
import { applyWasmPatches } from './wasm-patches';

export type NodeBackend = 'wasm' | 'cpu';

export async function useBackend(wanted: NodeBackend = 'wasm', log: (s: string) => void = () => {}): Promise<NodeBackend> {
  tf.enableProdMode(); // no debug checks, and no "install tfjs-node" banner (IS_TEST would trip on a WASM kernel's known leak check)
  if (wanted === 'wasm') {
    // The .wasm binaries ship inside the package; the Emscripten loader reads them from disk.
    setWasmPaths(path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep);
    try {
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        if (tf.getBackend() === 'wasm') {
          applyWasmPatches();
          return 'wasm';
        }
      }
    } catch (e) {
      log(`WASM backend failed (${(e as Error).message}); falling back to cpu`);
    }
    log('WASM backend unavailable; using the (slower) cpu backend');
  }
  if (!(await tf.setBackend('cpu'))) throw new Error('could not initialise the tfjs cpu backend');
  await tf.ready();
  return 'cpu';
}
