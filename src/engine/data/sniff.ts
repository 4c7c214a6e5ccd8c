// Recognise what a file really is from its first bytes: downloads fail in ways that leave an HTML
// page or a truncated stream under the expected name, and names alone cannot be trusted.
import { DataFileError } from './types';

export const isGzip = (b: Uint8Array): boolean => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/** A ustar or GNU tar header has "ustar" at offset 257. */
export const isTar = (b: Uint8Array): boolean =>
  b.length >= 512 && b[257] === 0x75 && b[258] === 0x73 && b[259] === 0x74 && b[260] === 0x61 && b[261] === 0x72;

/** First characters as ASCII, for sniffing text formats (the engine has no TextDecoder types). */
export function asciiPrefix(b: Uint8Array, n: number): string {
  let s = '';
  for (let i = 0; i < Math.min(n, b.length); i++) s += String.fromCharCode(b[i]);
  return s;
}

/** True for an HTML page or an XML error document (S3 answers missing keys with one). */
export function isHtml(b: Uint8Array): boolean {
  const head = asciiPrefix(b, 512).replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart().toLowerCase();
  return head.startsWith('<!doctype') || head.startsWith('<html') || head.startsWith('<?xml') || head.startsWith('<head');
}

/** Dev servers answer unknown paths with index.html and a 200, so this check matters in the browser. */
export function assertNotHtml(file: string, bytes: Uint8Array, format: string, officialUrl: string): void {
  if (isHtml(bytes))
    throw new DataFileError(file, `this is an HTML page, not ${format}: the download probably failed; re-download from ${officialUrl}`);
}
