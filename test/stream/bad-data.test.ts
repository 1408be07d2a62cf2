import { strict as assert } from 'node:assert';
import type { SinkData } from '../../src/protocol/aoo/sink/data.ts';
import { SEQUENCE_LIMIT } from '../../src/stream/sequence.ts';
import { seededRandom } from '../../src/util/random.ts';
import { Link } from './harness.ts';
import { SINK_ENDPOINT, SOURCE_ENDPOINT, noiseStream } from './setup.ts';

describe('stream: bad /data from a source', () => {
  it('sequence numbers outside 0 … 2^31 − 2 and blocks larger than the format allows are ignored, each reported once', () => {
    const link = new Link(seededRandom(121));
    const { session, sink } = noiseStream(link, 0.4, { seed: 122 });
    let streamId = -1;
    link.tap = ({ msg }) => {
      if (msg.kind === 'sink/start') streamId = msg.streamId;
    };
    session.run(0.1);
    const frame = (sequence: number, totalSize: number): SinkData => ({
      kind: 'sink/data',
      form: 'binary',
      sinkId: SINK_ENDPOINT.id,
      sourceId: SOURCE_ENDPOINT.id,
      streamId,
      sequence,
      channel: 0,
      sampleRate: 0,
      timestamp: null,
      totalSize,
      messageSize: 0,
      frameCount: 1,
      frameIndex: 0,
      xrun: false,
      payload: new Uint8Array(16),
      payloadOffset: 0,
      payloadSize: 16,
    });
    for (const sequence of [-1, SEQUENCE_LIMIT, -5]) sink.handleMessage(frame(sequence, 16), SOURCE_ENDPOINT, link.now);
    for (const size of [10_000_000, 2 ** 32 - 1]) sink.handleMessage(frame(100, size), SOURCE_ENDPOINT, link.now);
    session.run(0.2);
    const { events } = session.sinks[0]!;
    assert.deepEqual(
      events.filter((e) => e.type === 'Error').map((e) => e.type === 'Error' && e.message),
      ['ignoring /data with sequence number -1', 'ignoring /data of a 10000000-byte block'],
    );
    assert.ok(!events.some((e) => e.type === 'BufferOverrun' || e.type === 'BlockDrop'));
    assert.ok(session.sinks[0]!.received[0]!.subarray(0.15 * 48000).some((v) => v !== 0), 'the stream stopped playing');
  });
});
