// Bundles the CLI into one .mjs file, so running it needs no npm install.
import { build } from 'esbuild';
import { join } from 'node:path';

/** Writes `<outdir>/aoo-node.mjs`; returns its path. */
export async function bundleCli(root, outdir) {
  await build({
    entryPoints: [{ in: join(root, 'src/cli/main.ts'), out: 'aoo-node' }],
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node18',
    // @evan/opus loads native addons and WASM files from its own folder at run time (pd-folder.mjs ships them).
    external: ['max-api', '@evan/opus'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'warning',
  });
  return join(outdir, 'aoo-node.mjs');
}
