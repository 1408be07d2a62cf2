import { strict as assert } from 'node:assert';
import { PcmBitDepth, pcmExtension } from '../../src/codec/registry.ts';
import { seededRandom } from '../../src/util/random.ts';
import { type ConversionSetup, Recorder, conversionRun } from './conversion-run.ts';
import type { HostClock } from './two-hosts.ts';

const SECONDS = 6;

function pcm(sampleRate: number, blockSize: number) {
  return { codec: 'pcm', channels: 1, sampleRate, blockSize, extension: pcmExtension(PcmBitDepth.float32) };
}

/**
 * Every ~0.1 s the source host plays a unit impulse and adds a stream message at the same
 * sample. Returns, per message that came out, its output sample and the output around it.
 */
function impulsesWithMessages(setup: ConversionSetup): { sent: number[]; received: { at: number; sentAt: number }[]; output: Float32Array } {
  const { sourceHost, sinkHost } = setup;
  const recorder = new Recorder(sinkHost.sampleRate, sinkHost.blockSize, 0, SECONDS + 1);
  const where = seededRandom(77);
  const sent: number[] = [];
  const received: { at: number; sentAt: number }[] = [];
  const spacing = Math.round(sourceHost.sampleRate / 10);
  let next = spacing;
  const run = conversionRun(setup, {
    fill: (block, frame) => {
      block.fill(0);
      if (next >= frame + sourceHost.blockSize) return;
      block[next - frame] = 1;
      run.source.addStreamMessage({ channel: 0, type: 0, data: new TextEncoder().encode(String(next)), sampleOffset: next - frame });
      sent.push(next);
      next += spacing + Math.floor(where() * 64);
    },
    played: (block, events, frame) => {
      recorder.played(block, events, frame);
      for (const e of events) if (e.type === 'StreamMessage') received.push({ at: frame + e.sampleOffset, sentAt: Number(new TextDecoder().decode(e.data)) });
    },
  });
  run.hosts.runUntil(SECONDS);
  return { sent, received, output: recorder.recorded };
}

/** True if sample `at` is the impulse's peak, or one of two equal peaks (an impulse halfway between two output samples). */
function isPeak(output: Float32Array, at: number): boolean {
  const around = [...output.subarray(at - 24, at + 25)].map(Math.abs);
  const peak = Math.max(...around);
  return around[24]! >= 0.97 * peak && peak > 0.3;
}

function checkMessagesOnImpulses(setup: ConversionSetup): void {
  const { sent, received, output } = impulsesWithMessages(setup);
  assert.ok(received.length >= sent.length - 2, `${received.length} of ${sent.length} messages arrived`);
  assert.deepEqual(
    received.map((r) => r.sentAt),
    sent.slice(0, received.length),
  );
  const missed = received.filter((r) => !isPeak(output, r.at));
  assert.deepEqual(
    missed.map((r) => `message of source sample ${r.sentAt} at output ${r.at}: ${[...output.subarray(r.at - 2, r.at + 3)].map((v) => v.toFixed(3))}`),
    [],
  );
}

const host = (sampleRate: number, blockSize: number, extra: Partial<HostClock> = {}): HostClock => ({ sampleRate, blockSize, ...extra });

describe('stream: messages stay on their sample through reblocking and resampling (simulated time)', function () {
  this.timeout(60_000);

  it('44.1 kHz/64 → 48 kHz/256: converted by the source', () => {
    checkMessagesOnImpulses({ format: pcm(48000, 256), sourceHost: host(44100, 64), sinkHost: host(48000, 256), sink: { dynamicResampling: false } });
  });

  it('48 kHz/256 → 44.1 kHz/64: converted by the sink, dynamic resampling on, bursty ticks', () => {
    checkMessagesOnImpulses({
      format: pcm(48000, 256),
      sourceHost: host(48000, 256, { burst: 'pd-default', seed: 8, ppm: 100 }),
      sinkHost: host(44100, 64, { burst: 'pd-default', seed: 9 }),
    });
  });

  it('64/96 kHz → 256/48 kHz: converted by the source', () => {
    checkMessagesOnImpulses({ format: pcm(48000, 256), sourceHost: host(96000, 64), sinkHost: host(48000, 256), sink: { dynamicResampling: false } });
  });

  it('44.1 kHz/64 → 48 kHz/256 with a 44.1 kHz stream: converted by the sink, dynamic resampling on', () => {
    checkMessagesOnImpulses({ format: pcm(44100, 64), sourceHost: host(44100, 64), sinkHost: host(48000, 256) });
  });
});
