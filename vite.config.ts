// Vite for the studio: React UI + one ES-module training worker (tfjs WebGPU/WebGL/WASM/CPU).
// Both the dev and the preview server are cross-origin isolated (COOP + COEP) so the WASM backend
// may use threads (SharedArrayBuffer). The WASM backend's .wasm files are bundled as hashed assets
// (imported with `?url` in src/backend/worker.ts): nothing is ever fetched from a CDN.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const page = (rel: string): string => fileURLToPath(new URL(rel, import.meta.url));

// tfjs ships ESM with side-effect registration (kernels, gradients, backends): pre-bundle all of it in
// one pass, so dev never re-optimises mid-session and every backend shares one tfjs-core instance.
const TFJS = [
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-core/dist/register_all_gradients',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-webgl',
  '@tensorflow/tfjs-backend-webgpu',
  '@tensorflow/tfjs-backend-wasm',
];

export default defineConfig({
  plugins: [react()],
  server: { headers: crossOriginIsolation },
  preview: { headers: crossOriginIsolation },
  worker: {
    format: 'es',
    // The WASM backend starts its pthreads from `factory.toString()` in a Blob: mangling or
    // compressing the factory's closure breaks them ("e is not defined" / "_scriptDir is not
    // defined", then init never settles). The worker bundle only loses its whitespace.
    rolldownOptions: { output: { minify: { compress: false, mangle: false, codegen: { removeWhitespace: true } } } },
  },
  resolve: { dedupe: ['@tensorflow/tfjs-core'] },
  optimizeDeps: {
    include: TFJS,
    // The worker is not reachable from index.html by the dependency scanner: name it.
    entries: ['index.html', 'e2e/smoke.html', 'src/worker/training.worker.ts'],
  },
  build: {
    target: 'es2022',
    // tfjs is big; one warning per chunk over 2 MB is noise, not news.
    chunkSizeWarningLimit: 2048,
    rolldownOptions: {
      input: {
        main: page('./index.html'),
        // The e2e harness page (starts the real worker; see e2e/harness.ts).
        smoke: page('./e2e/smoke.html'),
      },
    },
  },
});
