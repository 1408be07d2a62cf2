import { TypedMessage } from '../test/support/osc-js.ts';
import { decodeBinaryDataInto, emptySinkData, encodeBinaryData } from '../src/protocol/aoo/sink/data.ts';
import { type OscMessage, decodeOscMessage, encodeOscMessage } from '../src/protocol/osc/index.ts';
import { decodeAoo } from '../src/protocol/aoo/messages.ts';
import { seededRandom } from '../src/util/random.ts';
import { fuzzInputs } from '../test/support/fuzz-inputs.ts';
import { readVector, vectorFiles } from '../test/support/vectors.ts';
import { measure, row } from './measure.ts';

/** A binary /data packet of one block: 64 frames, stereo, float32 (512 bytes of audio, one frame at packet size 4096). */
function dataPacket() {
  const m = emptySinkData();
  const audio = new Uint8Array(64 * 2 * 4);
  for (let i = 0; i < audio.length; i++) audio[i] = (i * 7) & 0xff;
  Object.assign(m, { sinkId: 1, sourceId: 1, streamId: 123456, sequence: 42, totalSize: audio.length, frameCount: 1, payload: audio, payloadSize: audio.length });
  return m;
}

export async function benchProtocol(): Promise<void> {
  console.log('protocol: binary /data, 64 frames stereo float32 (target <= 1000 ns and 0 allocations each way)');
  const m = dataPacket();
  const buf = new Uint8Array(4096);
  const enc = measure(() => encodeBinaryData(buf, 0, m), 20000);
  row('encode', `${enc.nsPerOp.toFixed(0)} ns/packet, ${enc.bytesPerOp.toFixed(1)} heap bytes/packet, ${enc.gcs} GCs`);
  const len = encodeBinaryData(buf, 0, m);
  const out = emptySinkData();
  const dec = measure(() => decodeBinaryDataInto(buf, 0, len, 4, out), 20000);
  row('decode', `${dec.nsPerOp.toFixed(0)} ns/packet, ${dec.bytesPerOp.toFixed(1)} heap bytes/packet, ${dec.gcs} GCs`);

  console.log('protocol: OSC messages, our codec vs osc-js (target ratio >= 10x)');
  const messages: [string, OscMessage][] = [
    ['/aoo/sink/2/ping ,it', { address: '/aoo/sink/2/ping', args: [{ type: 'i', value: 1 }, { type: 't', value: 0xeeab446786ea3161n }] }],
    [
      '/aoo/sink/1/data ,iiiNNiiNNNb (512-byte blob)',
      {
        address: '/aoo/sink/1/data',
        args: [
          { type: 'i', value: 1 }, { type: 'i', value: 172147346 }, { type: 'i', value: 7 }, { type: 'N' }, { type: 'N' },
          { type: 'i', value: 0 }, { type: 'i', value: 512 }, { type: 'N' }, { type: 'N' }, { type: 'N' }, { type: 'b', value: new Uint8Array(512) },
        ],
      },
    ],
  ];
  for (const [label, msg] of messages) {
    const oracle = new TypedMessage(msg.address, msg.args.map((a) => ('value' in a ? { type: a.type, value: a.value } : { type: a.type, value: null })));
    const ours = measure(() => encodeOscMessage(msg, buf, 0), 5000, 9);
    const theirs = measure(() => oracle.pack(), 2000, 9);
    row(`encode ${label}`, `ours ${ours.nsPerOp.toFixed(0)} ns, osc-js ${theirs.nsPerOp.toFixed(0)} ns, ratio ${(theirs.nsPerOp / ours.nsPerOp).toFixed(1)}x`);
    const packed = oracle.pack();
    const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
    const oursDec = measure(() => decodeOscMessage(packed), 5000, 9);
    const theirsDec = measure(() => new TypedMessage().unpack(view), 2000, 9);
    row(`decode ${label}`, `ours ${oursDec.nsPerOp.toFixed(0)} ns, osc-js ${theirsDec.nsPerOp.toFixed(0)} ns, ratio ${(theirsDec.nsPerOp / oursDec.nsPerOp).toFixed(1)}x`);
  }

  const n = Number(process.env.AOO_FUZZ_COUNT ?? 2_000_000);
  const seeds = vectorFiles((f) => !f.includes('events')).flatMap((f) => readVector(f).packets.map((p) => p.bytes));
  let escaped = 0;
  const t0 = performance.now();
  for (const input of fuzzInputs(seeds, seededRandom(7), n)) {
    try {
      decodeAoo(input);
    } catch {
      escaped++;
    }
  }
  row(`fuzz: ${n} inputs (AOO_FUZZ_COUNT to change)`, `${escaped} escaped exceptions, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
