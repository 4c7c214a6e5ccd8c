// Try it: one image through the current model at evaluation, with what the panel shows: the class
// probabilities, the tokens SViTE+ keeps, and each live head's cls-row attention over the patch
// grid. The image is normalised by the evaluation path (evalBatches), so it sees what evaluate sees.
import * as tf from './tf';
import { numPatches } from './facts';
import { evalBatches } from './data/batch';
import { patchScores } from './model/select-tokens';
import { embed, forward } from './model/vit';
import { StructuredSparsity } from './sparse/structured';
import type { Trainer } from './trainer';

export interface HeadMaps {
  /** Head indices (of numHeads) that are alive in this block, in order. */
  heads: number[];
  /** Per live head: the cls token's attention to each patch [grid·grid], 0 for dropped patches. */
  maps: Float32Array[];
  /** Per live head: the cls token's attention to itself (with the map, the row sums to 1). */
  clsSelf: number[];
}

export interface TriedImage {
  logits: Float32Array;
  probs: Float32Array;
  /** Kept patch indices, sorted (SViTE+), or null when every patch runs. */
  kept: Int32Array | null;
  /** Patches per side. */
  grid: number;
  blocks: HeadMaps[];
}

/** Raw pixels (uint8, HWC, imageSize² × inChans) → what the model makes of them. */
export async function tryImage(trainer: Trainer, pixels: Uint8Array): Promise<TriedImage> {
  const c = trainer.config, N = numPatches(c), H = c.numHeads;
  const expected = c.imageSize * c.imageSize * c.inChans;
  if (pixels.length !== expected)
    throw new Error(`the image has ${pixels.length} values but the model takes ${c.imageSize}×${c.imageSize}×${c.inChans} = ${expected}: resize it first`);
  const set = { images: pixels, labels: new Uint8Array(1), count: 1, height: c.imageSize, width: c.imageSize, channels: c.inChans };
  const x = evalBatches(set, 1, trainer.dataset.mean, trainer.dataset.std).next().value!.x;
  const { params, blocks } = trainer.sparsity.inference();
  const tokens = trainer.tokens?.evalPlan();
  const rows: tf.Tensor3D[] = [];
  const [logitsT, probsT, orderT] = tf.tidy(() => {
    const images = tf.tensor4d(x, [1, c.imageSize, c.imageSize, c.inChans]);
    const logits = forward(params, images, c, { blocks, tokens, clsAttention: rows, inference: true });
    for (const r of rows) tf.keep(r); // pushed inside the tidy, read after it
    // The forward keeps cls then the top-k patches in top-k order; the same order maps the rows.
    const order = tokens ? tf.topk(patchScores(params, embed(params, images, c), 1, N), tokens.k).indices : tf.range(0, N, 1, 'int32');
    return [logits, tf.softmax(logits), order];
  });
  try {
    const [logits, probs, order, ...rowData] = await Promise.all([logitsT.data(), probsT.data(), orderT.data(), ...rows.map((r) => r.data())]);
    const alive = trainer.sparsity instanceof StructuredSparsity ? trainer.sparsity.headsAlive : null;
    const out: HeadMaps[] = rowData.map((row, b) => {
      const all = Array.from({ length: H }, (_, h) => h);
      const live = alive ? all.filter((h) => alive[b * H + h]) : all;
      const ran = rows[b].shape[1]; // compact blocks run only the live heads, in order
      const T = rows[b].shape[2];
      const block: HeadMaps = { heads: live, maps: [], clsSelf: [] };
      live.forEach((head, j) => {
        const r = (ran === H ? head : j) * T;
        const map = new Float32Array(N);
        for (let t = 1; t < T; t++) map[order[t - 1]] = row[r + t];
        block.maps.push(map);
        block.clsSelf.push(row[r]);
      });
      return block;
    });
    const kept = tokens ? Int32Array.from(order).sort() : null;
    return { logits: Float32Array.from(logits), probs: Float32Array.from(probs), kept, grid: Math.round(Math.sqrt(N)), blocks: out };
  } finally {
    tf.dispose([logitsT, probsT, orderT, ...rows]);
  }
}
