// Assembles the folder a Pd user installs (deken layout): the abstractions with their help
// patches beside them, the GUI plugin that starts the engine, and engine/: the CLI bundle plus
// the files of @evan/opus it loads at run time, so that `node` alone runs it (no npm).
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const FOLDER_NAME = 'aoo-node';

/**
 * What @evan/opus reads at run time (lib.mjs → lib.js): node/index.js with the prebuilt addon
 * node/<arch>-<platform>.node (Opus encodes 3–4× faster than in WASM), else, on a platform
 * without one or when it fails to load, wasm/index.js with simd.wasm (every Node >= 16.4 has
 * WASM SIMD, so the package's opus.wasm is never read).
 */
function opusRuntimeFiles(opusDir) {
  const addons = readdirSync(join(opusDir, 'node')).filter((f) => f.endsWith('.node'));
  return ['package.json', 'LICENSE', 'lib.mjs', 'lib.js', 'node/index.js', ...addons.map((f) => `node/${f}`), 'wasm/index.js', 'wasm/simd.wasm'];
}

function copy(from, to) {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
}

/** The .pd files under `dir`, as paths relative to it. */
function patchesUnder(dir) {
  return readdirSync(dir, { recursive: true }).filter((f) => f.endsWith('.pd'));
}

/**
 * Writes `<pdDir>/aoo-node/` afresh from the repository at `root` and the CLI bundle at `bundle`.
 * Returns the folder and notes on what the repository lacks.
 */
export function assemblePdFolder({ root, bundle, pdDir }) {
  const folder = join(pdDir, FOLDER_NAME);
  rmSync(folder, { recursive: true, force: true });
  const notes = [];

  const pkg = join(root, 'pd-package');
  for (const f of [...patchesUnder(pkg), 'README.md', 'aoo-node-plugin.tcl']) copy(join(pkg, f), join(folder, f));

  if (existsSync(join(root, 'LICENSE'))) copy(join(root, 'LICENSE'), join(folder, 'LICENSE'));
  else notes.push('the repository has no LICENSE file: none shipped');

  // Help patches and examples keep their place relative to help-patches/: *-help.pd at its top
  // level lands beside the abstraction it documents.
  const help = join(root, 'help-patches');
  if (existsSync(help)) for (const f of patchesUnder(help)) copy(join(help, f), join(folder, f));
  else notes.push('no help-patches/ folder: no help patches shipped');

  copy(bundle, join(folder, 'engine', 'aoo-node.mjs'));
  const opus = join(root, 'node_modules', '@evan', 'opus');
  for (const f of opusRuntimeFiles(opus)) copy(join(opus, f), join(folder, 'engine', 'node_modules', '@evan', 'opus', f));

  return { folder, notes };
}
