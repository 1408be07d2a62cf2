import { strict as assert } from 'node:assert';
import { describePacket } from '../../src/protocol/aoo/describe.ts';
import { decodeAoo, encodeAoo } from '../../src/protocol/aoo/messages.ts';
import { seededRandom } from '../../src/util/random.ts';
import { fuzzInputs } from '../support/fuzz-inputs.ts';
import { readVector, vectorFiles } from '../support/vectors.ts';

const KINDS = new Set(['foreign', 'malformed', 'unknown-message', 'bad-arguments']);

describe('fuzz: decoding never throws', () => {
  it('200,000 mutated vectors and random packets: zero exceptions, every failure a typed error', function () {
    this.timeout(120000);
    const seeds = vectorFiles((n) => !n.includes('events') && n !== 'README.md').flatMap((n) => readVector(n).packets.map((p) => p.bytes));
    const out = new Uint8Array(65536);
    const counts = { ok: 0, failed: 0, escaped: 0 };
    let firstEscape = '';
    for (const input of fuzzInputs(seeds, seededRandom(20261120), 200_000)) {
      try {
        const r = decodeAoo(input);
        if (r.ok) {
          counts.ok++;
          encodeAoo(r.value, out, 0);
        } else {
          counts.failed++;
          assert.ok(KINDS.has(r.error.kind) && r.error.detail.length > 0);
        }
        if ((counts.ok + counts.failed) % 50 === 0) describePacket(input);
      } catch (e) {
        counts.escaped++;
        firstEscape ||= `${Buffer.from(input).toString('hex')}: ${e instanceof Error ? e.stack : String(e)}`;
      }
    }
    assert.equal(counts.escaped, 0, firstEscape);
    assert.equal(counts.ok + counts.failed, 200_000);
    assert.ok(counts.failed > 50_000, `only ${counts.failed} inputs were rejected: the mutations are too weak`);
  });
});
