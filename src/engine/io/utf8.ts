// Strict UTF-8 by hand: the engine compiles against ES2022 only (no TextEncoder/TextDecoder types),
// and a safetensors header must be rejected, not patched with U+FFFD, when its bytes are not UTF-8.

export function utf8Encode(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd; // lone surrogate: not encodable
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

/** Decodes UTF-8, or returns null at the first invalid sequence (overlong, surrogate, truncated). */
export function utf8Decode(bytes: Uint8Array): string | null {
  const units: number[] = [];
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    let c: number;
    let n: number;
    if (b < 0x80) [c, n] = [b, 0];
    else if (b >= 0xc2 && b <= 0xdf) [c, n] = [b & 31, 1];
    else if (b >= 0xe0 && b <= 0xef) [c, n] = [b & 15, 2];
    else if (b >= 0xf0 && b <= 0xf4) [c, n] = [b & 7, 3];
    else return null;
    if (i + n >= bytes.length) return null; // truncated sequence
    for (let k = 1; k <= n; k++) {
      const cb = bytes[i + k];
      if ((cb & 0xc0) !== 0x80) return null;
      c = (c << 6) | (cb & 63);
    }
    if ((n === 2 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) || (n === 3 && (c < 0x10000 || c > 0x10ffff))) return null;
    if (c >= 0x10000) units.push(0xd800 + ((c - 0x10000) >> 10), 0xdc00 + ((c - 0x10000) & 1023));
    else units.push(c);
    if (units.length >= 8192) {
      out += String.fromCharCode(...units);
      units.length = 0;
    }
    i += n + 1;
  }
  return out + String.fromCharCode(...units);
}
