// Bundles each host entry point into one .mjs file in dist/ (no npm install needed to run it).
import { build } from 'esbuild';

const entries = [{ in: 'src/cli/main.ts', out: 'aoo-node' }];

await build({
  entryPoints: entries,
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node18',
  external: ['max-api', '@evan/opus'],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
});
console.log(`built ${entries.map((e) => `dist/${e.out}.mjs`).join(', ')}`);
