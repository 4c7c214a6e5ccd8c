// Builds the studio into a folder of its own and serves it with `vite preview` on a free port, so
// neither dist/ nor the e2e port (4173) of a concurrent `playwright test` is touched.
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function serveBuilt(outDir: string): Promise<{ base: string; close: () => Promise<void> }> {
  const configFile = path.join(root, 'vite.config.ts');
  await build({ root, configFile, logLevel: 'error', build: { outDir, emptyOutDir: true } });
  const server = await preview({ root, configFile, logLevel: 'error', build: { outDir }, preview: { host: '127.0.0.1', port: 0 } });
  const { port } = server.httpServer.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, close: () => server.close() };
}
