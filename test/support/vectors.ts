import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type CaptureFile, readCaptureFile } from '../../src/cli/capture-file.ts';

/** shared/aoo/vectors, which sits beside the checkout (in CI too). */
export const VECTOR_DIR = fileURLToPath(new URL('../../../shared/aoo/vectors/', import.meta.url));

export function vectorFiles(filter: (name: string) => boolean): string[] {
  return readdirSync(VECTOR_DIR)
    .filter((n) => n.endsWith('.txt') && filter(n))
    .sort();
}

export function readVector(name: string): CaptureFile {
  return readCaptureFile(VECTOR_DIR + name);
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
