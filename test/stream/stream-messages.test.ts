import { strict as assert } from 'node:assert';
import type { StreamFormat } from '../../src/codec/codec.ts';
import { seededRandom } from '../../src/util/random.ts';
import { Link } from './harness.ts';
import { impulsesAndMessages } from './impulse-messages.ts';
import { pcmFormat } from './setup.ts';

/** Every message arrives, in order, on the sample of its impulse. */
function allArriveOnTheirImpulse(format: StreamFormat, link: Link): void {
  const { arrivals } = impulsesAndMessages(format, link);
  assert.ok(arrivals.length > 150, `only ${arrivals.length} messages arrived`);
  assert.deepEqual(
    arrivals.map((a) => a.index),
    arrivals.map((_, i) => i),
  );
}

describe('stream: stream messages', () => {
  it('arrive at the exact output sample of an impulse sent at the same block position', () => {
    allArriveOnTheirImpulse(pcmFormat(1), new Link(seededRandom(7)));
  });

  it('stay sample-exact with reblocking (format block 256, process blocks 64) and resent blocks', () => {
    allArriveOnTheirImpulse({ ...pcmFormat(1), blockSize: 256 }, new Link(seededRandom(8), { loss: 0.05, delay: 0.002, jitter: 0.01 }));
  });
});
