import { strict as assert } from 'node:assert';
import { keepList } from './room.ts';
import { type SimHost, SimEngine } from './sim-engine.ts';
import { tickBoth } from './stream-pair.ts';

/** The timed events (`/at`) taken, as "name arg arg…" lines. */
function atEvents(h: SimHost): string[] {
  return h.take('/at').map((r) => r.atoms.slice(2).join(' '));
}

/** A send~ on 9000 streaming to a receive~ on 9001 for `ticks` blocks; every reply up to here is taken. */
async function streaming(ticks: number, ...format: (string | number)[]): Promise<{ sim: SimEngine; a: SimHost; b: SimHost }> {
  const sim = new SimEngine();
  const [a, b] = [sim.host(), sim.host()];
  a.open('send', 2, 9000, 1);
  b.open('receive', 2, 9001, 1);
  if (format.length > 0) a.method('format', ...format);
  a.method('add', '127.0.0.1', 9001, 1);
  a.method('start');
  await sim.settle();
  tickBoth(sim, a, b, 0, ticks);
  assert.deepEqual(a.errors(), []);
  assert.deepEqual(b.errors(), []);
  a.take();
  b.take();
  return { sim, a, b };
}

/** Bytes the send~ on port 9000 sends while ticking (nearly all `/data`). */
function sentBytes(sim: SimEngine, a: SimHost, b: SimHost, first: number, count: number): number {
  let bytes = 0;
  sim.udp.drop = (d) => {
    if (d.from.port === 9000) bytes += d.bytes.length;
    return false;
  };
  tickBoth(sim, a, b, first, count);
  sim.udp.drop = null;
  return bytes;
}

describe('engine: codec_set / codec_get, reset, fill_ratio (simulated time)', () => {
  describe('aoo.send~ codec_set / codec_get', () => {
    it('sets and reads the Opus options (bitrate in kbit/s), refuses bad values and other codecs', async () => {
      const sim = new SimEngine();
      const a = sim.host();
      a.open('send', 2, 0, 1);
      a.method('codec_set', 'bitrate', 64);
      a.method('codec_get', 'bitrate');
      a.method('format', 'opus');
      a.take('/ev');
      a.method('codec_get', 'bitrate');
      a.method('codec_get', 'complexity');
      a.method('codec_set', 'bitrate', 96);
      a.method('codec_set', 'complexity', 3);
      a.method('codec_set', 'signal', 'voice');
      for (const name of ['bitrate', 'complexity', 'signal']) a.method('codec_get', name);
      a.method('codec_set', 'bitrate', 'max');
      a.method('codec_get', 'bitrate');
      a.method('codec_set', 'complexity', 11);
      a.method('codec_set', 'signal', 'loud');
      a.method('codec_set', 'frames', 2);
      a.method('codec_set', 'bitrate');
      a.method('codec_get', 'frames');
      await sim.settle();
      assert.deepEqual(a.errors(), [
        "aoo.send~ 0 1: codec_set: pcm has no option 'bitrate'",
        "aoo.send~ 0 1: codec_get: pcm has no option 'bitrate'",
        "aoo.send~ 0 1: codec_set: invalid complexity '11': expected 0…10",
        // Pd would split a message at its commas: error texts come without them.
        "aoo.send~ 0 1: codec_set: invalid signal 'loud': expected 'auto' 'music' or 'voice'",
        "aoo.send~ 0 1: codec_set: opus has no option 'frames' (bitrate complexity signal)",
        'aoo.send~ 0 1: codec_set: expects <option> <value>',
        "aoo.send~ 0 1: codec_get: opus has no option 'frames'",
      ]);
      assert.deepEqual(a.events(), [
        'codec_get bitrate auto',
        'codec_get complexity 5',
        'codec_get bitrate 96',
        'codec_get complexity 3',
        'codec_get signal voice',
        'codec_get bitrate max',
      ]);
    });

    it('keeps the options across format changes (back to opus after pcm too) and for a restart', async () => {
      const sim = new SimEngine();
      const a = sim.host();
      a.open('send', 2, 0, 1);
      a.method('format', 'opus');
      a.method('codec_set', 'complexity', 2);
      a.method('codec_set', 'bitrate', 48);
      a.method('format', 'opus', 1, 960);
      a.method('codec_get', 'complexity');
      a.method('format', 'pcm');
      a.method('format', 'opus', 2, 240, '_', 'voip');
      a.method('codec_get', 'complexity');
      a.method('codec_get', 'bitrate');
      await sim.settle();
      assert.deepEqual(a.errors(), []);
      assert.deepEqual(
        a.events().filter((e) => e.startsWith('codec_get')),
        ['codec_get complexity 2', 'codec_get complexity 2', 'codec_get bitrate 48'],
      );
      const kept = keepList(a);
      assert.deepEqual(kept, ['format opus 2 240 48000 voip', 'codec_set complexity 2', 'codec_set bitrate 48']);

      // A new engine: the host replays what it kept, in order.
      const again = new SimEngine();
      const b = again.host();
      b.open('send', 2, 0, 1);
      for (const line of kept) {
        const [selector, ...args] = line.split(' ');
        b.method(selector!, ...args.map((x) => (/^\d+$/.test(x) ? Number(x) : x)));
      }
      b.method('codec_get', 'complexity');
      b.method('codec_get', 'bitrate');
      await again.settle();
      assert.deepEqual(b.errors(), []);
      assert.deepEqual(b.events(), ['format opus 2 240 48000 voip', 'codec_get complexity 2', 'codec_get bitrate 48']);
    });

    it('the bitrate set is the one the stream gets: 16 kbit/s sends a fraction of 256 kbit/s', async () => {
      const { sim, a, b } = await streaming(100, 'opus');
      a.method('codec_set', 'bitrate', 256);
      const high = sentBytes(sim, a, b, 100, 300);
      a.method('codec_set', 'bitrate', 16);
      const low = sentBytes(sim, a, b, 400, 300);
      assert.deepEqual(a.errors(), []);
      assert.ok(high > 0 && low > 0, `${high} ${low}`);
      assert.ok(low * 4 < high, `16 kbit/s: ${low} bytes, 256 kbit/s: ${high} bytes`);
    });
  });

  describe('reset', () => {
    it('aoo.send~ reset restarts its stream: the receive~ sees it stop and start again, and it plays on', async () => {
      const { sim, a, b } = await streaming(200);
      a.method('reset', 1);
      a.method('reset');
      tickBoth(sim, a, b, 200, 200);
      assert.deepEqual(a.errors(), ['aoo.send~ 9000 1: reset: takes no arguments']);
      const at = atEvents(b);
      const starts = at.filter((e) => /^(start|stop|state)/.test(e));
      assert.deepEqual(starts, ['stop 127.0.0.1 9000 1', 'start 127.0.0.1 9000 1', 'state 127.0.0.1 9000 1 2', 'state 127.0.0.1 9000 1 1']);
      const last = b.take('/out').at(-1)!.atoms.slice(1) as number[];
      assert.ok(Math.max(...last.map(Math.abs)) > 0.05, 'audio plays after the reset');
      assert.deepEqual(b.errors(), []);
    });

    it('aoo.receive~ reset [<endpoint>] rebuffers one source or all; an unknown one is a clear error', async () => {
      const { sim, a, b } = await streaming(200);
      b.method('reset', '127.0.0.1', 9000, 1);
      tickBoth(sim, a, b, 200, 100);
      const once = atEvents(b).filter((e) => /^(start|stop|state)/.test(e));
      assert.deepEqual(once, ['stop 127.0.0.1 9000 1', 'start 127.0.0.1 9000 1', 'state 127.0.0.1 9000 1 2', 'state 127.0.0.1 9000 1 1']);
      b.method('reset');
      tickBoth(sim, a, b, 300, 100);
      assert.deepEqual(atEvents(b).filter((e) => /^(start|stop)/.test(e)), ['stop 127.0.0.1 9000 1', 'start 127.0.0.1 9000 1']);
      b.method('reset', '127.0.0.1', 9000, 2);
      b.method('reset', '127.0.0.1', 9000);
      await sim.settle();
      assert.deepEqual(b.errors(), [
        'aoo.receive~ 9001 1: reset: no source 127.0.0.1 9000 2',
        'aoo.receive~ 9001 1: reset: needs an endpoint: <host> <port> <id> or <group> <user> <id>',
      ]);
      assert.deepEqual(a.errors(), []);
    });
  });

  describe('aoo.receive~ fill_ratio', () => {
    it('no source yet: a clear error; then the first source by default, or the one named', async () => {
      const sim = new SimEngine();
      const b = sim.host();
      b.open('receive', 2, 9001, 1);
      b.method('fill_ratio');
      await sim.settle();
      assert.deepEqual(b.errors(), ['aoo.receive~ 9001 1: fill_ratio: no source']);

      const s = await streaming(400);
      s.b.method('fill_ratio');
      s.b.method('fill_ratio', '127.0.0.1', 9000, 1);
      s.b.method('fill_ratio', '127.0.0.1', 9000, 7);
      await s.sim.settle();
      assert.deepEqual(s.b.errors(), ['aoo.receive~ 9001 1: fill_ratio: no source 127.0.0.1 9000 7']);
      const events = s.b.events();
      assert.equal(events.length, 2);
      for (const e of events) {
        const [name, host, port, id, ratio] = e.split(' ');
        assert.deepEqual([name, host, port, id], ['fill_ratio', '127.0.0.1', '9000', '1']);
        // The buffer is twice the latency (buffersize 0): about half full while playing.
        assert.ok(Number(ratio) > 0.3 && Number(ratio) < 0.8, e);
      }
    });

    it('a larger buffer size is filled less', async () => {
      const s = await streaming(200);
      s.b.method('fill_ratio');
      const half = Number(s.b.events()[0]!.split(' ')[4]);
      s.b.method('buffersize', 500);
      tickBoth(s.sim, s.a, s.b, 200, 400);
      s.b.method('fill_ratio');
      const ratio = Number(s.b.events().filter((e) => e.startsWith('fill_ratio'))[0]!.split(' ')[4]);
      assert.ok(ratio > 0 && ratio < half / 5, `${ratio} after buffersize 500, ${half} before`);
    });
  });
});
