// npm run build: dist/aoo-node.mjs (the CLI in one file) and dist/pd/aoo-node/ (the folder a Pd
// user installs; also dist/pd/aoo-node.zip where `zip` exists). Prints what it built and the sizes.
// `--outdir DIR` builds into DIR instead of dist/: the tests do, since bin/aoo-node.mjs prefers
// dist/aoo-node.mjs over the sources once it exists.
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleCli } from './bundle-cli.mjs';
import { FOLDER_NAME, assemblePdFolder } from './pd-folder.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { outdir: { type: 'string' } } });
const outdir = resolve(values.outdir ?? join(root, 'dist'));
const pdDir = join(outdir, 'pd');

function size(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function shown(path) {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}

/** `zip -r` of the folder; null when there is no `zip` program. */
function zipFolder() {
  const zip = join(pdDir, `${FOLDER_NAME}.zip`);
  rmSync(zip, { force: true });
  const r = spawnSync('zip', ['-q', '-r', '-X', zip, FOLDER_NAME], { cwd: pdDir, stdio: 'inherit' });
  if (r.error?.code === 'ENOENT') return null;
  if (r.status !== 0) throw new Error(`zip failed (${r.error?.message ?? `exit ${r.status}`})`);
  return zip;
}

const bundle = await bundleCli(root, outdir);
console.log(`built ${shown(bundle)} (${size(statSync(bundle).size)})`);

const { folder, notes } = assemblePdFolder({ root, bundle, pdDir });
const files = readdirSync(folder, { recursive: true })
  .filter((f) => statSync(join(folder, f)).isFile())
  .sort()
  .map((f) => ({ path: f, bytes: statSync(join(folder, f)).size }));
const total = files.reduce((sum, f) => sum + f.bytes, 0);
console.log(`built ${shown(folder)}/ (${files.length} files, ${size(total)}):`);
for (const f of files) console.log(`  ${size(f.bytes).padStart(10)}  ${f.path}`);

const zip = zipFolder();
console.log(zip === null ? 'no zip program: no .zip built' : `built ${shown(zip)} (${size(statSync(zip).size)})`);
for (const note of notes) console.log(`note: ${note}`);
