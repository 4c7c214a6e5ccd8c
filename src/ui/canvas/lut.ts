// Colours for pixel buffers: packed 32-bit RGBA in the byte order of an ImageData's Uint32Array
// view, precomputed once (no colour strings per pixel). Pure: no DOM.

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([0x01020304]).buffer)[0] === 0x04;

/** Packs r, g, b, a (0..255) for a Uint32Array view over ImageData.data. */
export function pack(r: number, g: number, b: number, a = 255): number {
  return LITTLE_ENDIAN
    ? ((a << 24) | (b << 16) | (g << 8) | r) >>> 0
    : ((r << 24) | (g << 16) | (b << 8) | a) >>> 0;
}

export type Rgb = [number, number, number];

export function hex(h: string): Rgb {
  const s = h.replace('#', '');
  const n = parseInt(s.length === 3 ? s.split('').map((c) => c + c).join('') : s, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export const packHex = (h: string, a = 255): number => {
  const [r, g, b] = hex(h);
  return pack(r, g, b, a);
};

export const mix = (a: Rgb, b: Rgb, t: number): Rgb => [
  Math.round(a[0] + (b[0] - a[0]) * t),
  Math.round(a[1] + (b[1] - a[1]) * t),
  Math.round(a[2] + (b[2] - a[2]) * t),
];

/** n packed colours interpolated through the stops (evenly spaced). */
export function lut(stops: string[], n = 256): Uint32Array {
  const rgb = stops.map(hex);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const t = (i / (n - 1)) * (rgb.length - 1);
    const k = Math.min(rgb.length - 2, Math.floor(t));
    const [r, g, b] = mix(rgb[k], rgb[k + 1], t - k);
    out[i] = pack(r, g, b);
  }
  return out;
}

/** The CSS colour strings of a stop list, for legends drawn in HTML. */
export const gradientCss = (stops: string[]): string => `linear-gradient(90deg, ${stops.join(', ')})`;

/** Index into a 256-entry LUT for x in [0, 1] (NaN → 0). */
export const lutIndex = (x: number): number => (x > 0 ? (x >= 1 ? 255 : (x * 255) | 0) : 0);
