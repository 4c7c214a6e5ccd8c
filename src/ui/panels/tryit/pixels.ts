// Try-it images as the model reads them: RGBA canvas pixels → uint8 HWC at the model's channel
// count (grey for one channel), and back to RGBA to show them. Pure: no DOM.

/** ITU-R BT.601 luma, the weights PIL's convert('L') uses (how grey data sets are usually made). */
const luma = (r: number, g: number, b: number): number => Math.round(0.299 * r + 0.587 * g + 0.114 * b);

/** RGBA pixels (alpha ignored: the drawing canvas is opaque) → HWC with 1 (grey) or 3 channels. */
export function rgbaToChannels(rgba: Uint8ClampedArray, channels: number): Uint8Array {
  if (channels !== 1 && channels !== 3) throw new Error(`images with ${channels} channels cannot be drawn: the model must take 1 (grey) or 3 (RGB)`);
  const n = rgba.length / 4;
  const out = new Uint8Array(n * channels);
  for (let i = 0; i < n; i++) {
    const r = rgba[4 * i], g = rgba[4 * i + 1], b = rgba[4 * i + 2];
    if (channels === 1) out[i] = luma(r, g, b);
    else out.set([r, g, b], 3 * i);
  }
  return out;
}

/** HWC with 1 or 3 channels → opaque RGBA, to paint a model input onto a canvas. */
export function channelsToRgba(hwc: Uint8Array, channels: number): Uint8ClampedArray<ArrayBuffer> {
  const n = hwc.length / channels;
  const out = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    const o = i * channels;
    out[4 * i] = hwc[o];
    out[4 * i + 1] = hwc[channels === 3 ? o + 1 : o];
    out[4 * i + 2] = hwc[channels === 3 ? o + 2 : o];
    out[4 * i + 3] = 255;
  }
  return out;
}

/** One attention map [grid·grid] → packed colours, scaled to the map's own maximum (its shape, not its scale, is what reads). */
export function drawAttentionMap(out: Uint32Array, map: Float32Array, lut: Uint32Array): void {
  let max = 0;
  for (const v of map) if (v > max) max = v;
  for (let i = 0; i < map.length; i++) out[i] = lut[max > 0 ? Math.min(255, Math.round((map[i] / max) * 255)) : 0];
}
