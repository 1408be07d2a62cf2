/** Packets of the reference captures in shared/aoo/vectors, found by their label. */
import { strict as assert } from 'node:assert';
import type { CapturedPacket } from '../../../../src/cli/capture-file.ts';
import { readVector } from '../../../support/vectors.ts';

const files = new Map<string, CapturedPacket[]>();

function packets(file: string): CapturedPacket[] {
  let p = files.get(file);
  if (p === undefined) files.set(file, (p = readVector(file).packets));
  return p;
}

/** Datagram `UDP #n` of a capture. */
export function capturedUdp(file: string, n: number): Uint8Array {
  const p = packets(file).find((q) => q.label.startsWith(`UDP #${n} `));
  assert.ok(p, `${file}: no UDP #${n}`);
  return p.bytes;
}

/** The `nth` TCP frame (without prefix) going `direction` ("C1->S") whose summary starts with `address`. */
export function capturedTcp(file: string, direction: string, address: string, nth = 0): Uint8Array {
  const p = packets(file).filter((q) => q.transport === 'tcp' && q.label.startsWith(`${direction} `) && q.label.includes(` ${address} `))[nth];
  assert.ok(p, `${file}: no TCP frame ${direction} ${address} #${nth}`);
  return p.bytes;
}
