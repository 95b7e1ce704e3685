import react from '@vitejs/plugin-react';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { type Plugin, defineConfig } from 'vite';

const OUT_DIR = '../../dist/apps/console';
const COMPRESSIBLE = /\.(js|css|html|svg|json)$/;

/**
 * Writes a Brotli and a gzip copy beside each text file of the build, which the API sends to
 * clients that take them (@fastify/static's preCompressed): compressed once, at the highest
 * levels, instead of on every request.
 */
function precompress(): Plugin {
  return {
    name: 'precompress',
    apply: 'build',
    writeBundle({ dir }) {
      const root = dir ?? OUT_DIR;
      const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((file) => COMPRESSIBLE.test(file));
      for (const file of files) {
        const path = join(root, file);
        if (!statSync(path).isFile()) continue;
        const content = readFileSync(path);
        writeFileSync(`${path}.br`, brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
        writeFileSync(`${path}.gz`, gzipSync(content, { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // The API serves the build at /ui (apps/api/src/console/console-static.ts).
  base: '/ui/',
  plugins: [react(), precompress()],
  build: {
    outDir: OUT_DIR,
    emptyOutDir: true,
    // The API sends Brotli copies, so what matters is the compressed size; report it.
    reportCompressedSize: true,
  },
  server: {
    // `nx run console:serve` beside a running API (`npm start`): the page's calls go to it.
    proxy: Object.fromEntries(['/v1', '/health'].map((path) => [path, 'http://127.0.0.1:8000'])),
  },
});
