// The Chromium every browser run uses (Playwright tests and the browser benchmark): the system
// one where there is one (Playwright's own download is not possible everywhere), with flags that
// work headless as root and turn WebGPU on (SwiftShader when there is no GPU).
import { chromium, type Browser } from '@playwright/test';
import { existsSync } from 'node:fs';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--enable-unsafe-webgpu',
];

/** The system Chromium, or undefined to fall back to Playwright's bundled browser. */
export function chromiumPath(): string | undefined {
  return [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p): p is string => Boolean(p) && existsSync(p as string));
}

/** Chromium for the scripts (benchmarks, soak, screenshots): the system one, with these flags. */
export function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  return chromium.launch({ ...(executablePath ? { executablePath } : {}), args: CHROMIUM_ARGS });
}
