// The bin is shipped bundled and minified: dist/index.js is the tiny entry (src/bin.ts: the Node
// version check, then a dynamic import of the server, so nothing can be hoisted above the check),
// plus chunks (the server, and lazily loaded ones for --demo, doctor, --http and undici).
// Unbundled, Node 20 resolved and compiled ~235 modules (the SDK, its ajv, zod, undici, qs) before
// answering `initialize`, which dominated cold start (see bench/).
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { defineConfig } from 'rolldown';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

export default defineConfig({
  input: { index: 'src/bin.ts' },
  platform: 'node',
  // src/version.ts: the bin needs no package.json beside it (the MCPB bundle has none).
  transform: { define: { __PACKAGE_VERSION__: JSON.stringify(version) } },
  output: { dir: 'dist', format: 'esm', sourcemap: true, minify: true },
  plugins: [
    {
      name: 'bin-hygiene',
      // Chunk names carry hashes: start from an empty dist/ so old chunks never pile up.
      buildStart: () => rmSync('dist', { recursive: true, force: true }),
      writeBundle: () => chmodSync('dist/index.js', 0o755),
    },
  ],
});
