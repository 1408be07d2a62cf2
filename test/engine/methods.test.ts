import { strict as assert } from 'node:assert';
import { DEFAULT_LOCAL_LATENCY } from '../../src/engine/receive-object.ts';
import { keepList } from './room.ts';
import { SimEngine } from './sim-engine.ts';
import { BS, tickBoth } from './stream-pair.ts';

describe('engine objects: methods and events', () => {
  describe('aoo.send~', () => {
    it('adds, lists, deactivates and removes sinks, with the reference events', async () => {
      const sim = new SimEngine();
      const a = sim.host();
      a.open('send', 2, 9000, 1);
      a.method('add', '127.0.0.1', 9001, 1);
      a.method('add', '127.0.0.1', 9001, 2, 0);
      a.method('add', '127.0.0.1', 9001, 2);
      a.method('sink_list');
      a.method('active', '127.0.0.1', 9001, 1, 0);
      a.method('remove', '127.0.0.1', 9001, 1);
      a.method('sink_list');
      await sim.settle();
      assert.deepEqual(a.errors(), []);
      assert.deepEqual(a.events(), [
        'add 127.0.0.1 9001 1',
        'add 127.0.0.1 9001 2',
        'sink 127.0.0.1 9001 1',
        'sink 127.0.0.1 9001 2',
        'remove 127.0.0.1 9001 1',
        'sink 127.0.0.1 9001 2',
      ]);
      assert.deepEqual(keepList(a), ['add 127.0.0.1 9001 2 0']);
      a.method('remove');
      assert.deepEqual(a.events(), ['remove 127.0.0.1 9001 2']);
    });

    it('resolves host names in order with the other methods, and keeps the name for a restart', async () => {
      const sim = new SimEngine();
      const a = sim.host();
      a.open('send', 1, 9000, 1);
      a.method('add', 'localhost', 9001, 1);
      a.method('sink_channel', 'localhost', 9001, 1, 3);
      a.method('active', 'localhost', 9001, 1, 0);
      a.method('add', 'nowhere.invalid', 9001, 1);
      await sim.settle();
      assert.deepEqual(a.events(), ['add 127.0.0.1 9001 1']);
      assert.deepEqual(a.errors(), ['aoo.send~ 9000 1: add: cannot resolve host "nowhere.invalid": unknown host']);
      assert.deepEqual(keepList(a), ['add localhost 9001 1 0', 'sink_channel localhost 9001 1 3']);
    });

    it('refuses bad messages with a clear error and changes nothing', async () => {
      const sim = new SimEngine();
      const a = sim.host();
      a.open('send', 2, 9000, 1);
      a.method('add', '127.0.0.1', 9001, 1);
      await sim.settle();
      a.take();
      const bad: [string, ...(string | number)[]][] = [
        ['add', '127.0.0.1', 0, 1],
        ['add', '127.0.0.1', 9001, -1],
        ['add', 5, 9001, 1],
        ['add', 'group', 'user', 1],
        ['add'],
        ['remove', '127.0.0.1', 9001, 9],
        ['active', '127.0.0.1', 9001, 1, 2],
        ['format', 'mp3'],
        ['format', 'pcm', 2, 64, 48000, 5],
        ['packetsize', 100],
        ['redundancy', 1.5],
        ['binary', 'yes'],
        ['start', 'nosuchtype', 1],
        ['start', 'text', 300],
        ['list', -1, 'text', 65],
        ['list', 0, 'float32', 'x'],
        ['frobnicate', 1],
        ['codec_set', 'bitrate', 64],
      ];
      for (const [selector, ...args] of bad) a.method(selector, ...args);
      await sim.settle();
      assert.deepEqual(a.errors(), [
        'aoo.send~ 9000 1: add: bad port 0 (1…65535)',
        'aoo.send~ 9000 1: add: bad id -1 (a whole number 0…2147483647)',
        'aoo.send~ 9000 1: add: bad host 5: give a host name or an IP address',
        'aoo.send~ 9000 1: add: group user 1: no aoo.client on port 9000',
        'aoo.send~ 9000 1: add: needs an endpoint: <host> <port> <id> or <group> <user> <id>',
        'aoo.send~ 9000 1: remove: no sink 127.0.0.1 9001 9',
        'aoo.send~ 9000 1: active: expects 0 or 1 (got 2)',
        'aoo.send~ 9000 1: format: unknown codec mp3 (pcm or opus or null)',
        'aoo.send~ 9000 1: format: bad sample size 5 (bytes: 1 2 3 4 or 8)',
        'aoo.send~ 9000 1: packetsize: expects a whole number 146…4096 (got 100) (more errors in this second are not shown)',
      ]);
      sim.advance(1);
      for (const [selector, ...args] of bad.slice(10)) a.method(selector, ...args);
      assert.deepEqual(a.errors(), [
        'aoo.send~ 9000 1: redundancy: expects a whole number 1…16 (got 1.5)',
        'aoo.send~ 9000 1: binary: expects 0 or 1 (got yes)',
        'aoo.send~ 9000 1: start: unknown data type "nosuchtype"',
        'aoo.send~ 9000 1: start: text data: 300 is not a byte (0…255)',
        'aoo.send~ 9000 1: list: channel expects a whole number 0…65535 (got -1)',
        'aoo.send~ 9000 1: list: float32 data: "x" is not a number',
        'aoo.send~ 9000 1: unknown method "frobnicate"',
        "aoo.send~ 9000 1: codec_set: pcm has no option 'bitrate'",
      ]);
      assert.deepEqual(a.events(), []);
      a.method('sink_list');
      assert.deepEqual(a.events(), ['sink 127.0.0.1 9001 1']);
      assert.deepEqual(keepList(a), [], 'no state change was kept');
    });

    it('changes the format (event, kept for a restart), clamping the channels to the inlets', async () => {
      const sim = new SimEngine();
      const a = sim.host();
      a.open('send', 2, 0, 1);
      a.method('format', 'pcm', '_', 128, '_', 2);
      a.method('format', 'opus', 4);
      assert.deepEqual(a.events(), ['format pcm 2 128 48000 2', 'format opus 2 480 48000 audio']);
      assert.deepEqual(a.errors(), []);
      a.method('format', 'null');
      assert.deepEqual(a.events(), ['format null 1 64 48000']);
      await sim.settle();
      assert.deepEqual(keepList(a), ['format null 1 64 48000']);
    });
  });

  describe('aoo.send~ → aoo.receive~', () => {
    it('streams after an invitation from the receive~ (auto_invite accepts while the stream runs)', async () => {
      const sim = new SimEngine();
      const [a, b] = [sim.host(), sim.host()];
      a.open('send', 2, 9000, 1);
      b.open('receive', 2, 9001, 1);
      await sim.settle();
      a.method('start');
      b.method('invite', '127.0.0.1', 9000, 1, 'text', 104, 105);
      tickBoth(sim, a, b, 0, 200);
      await sim.settle();
      assert.deepEqual(a.errors(), []);
      assert.deepEqual(b.errors(), []);
      assert.deepEqual(a.events().filter((e) => !e.startsWith('ping')), ['add 127.0.0.1 9001 1', 'invite 127.0.0.1 9001 1 text 104 105']);
      assert.deepEqual(keepList(a), ['add 127.0.0.1 9001 1 1', 'start']);
      const atEvents = b.take('/at').map((r) => r.atoms.slice(2).join(' '));
      assert.ok(atEvents.includes('start 127.0.0.1 9000 1'), atEvents.join('\n'));
      assert.ok(atEvents.includes('state 127.0.0.1 9000 1 1'));
      b.method('source_list');
      assert.deepEqual(b.events().filter((e) => e.startsWith('source')), ['source 127.0.0.1 9000 1']);
      b.method('uninvite');
      tickBoth(sim, a, b, 200, 100);
      assert.deepEqual(a.events().filter((e) => !e.startsWith('ping')), ['uninvite 127.0.0.1 9001 1']);
      assert.ok(b.take('/at').some((r) => r.atoms.slice(2).join(' ') === 'stop 127.0.0.1 9000 1'));
    });

    it('declines silently while the send~ is not streaming; the receive~ reports the timeout', async () => {
      const sim = new SimEngine();
      const [a, b] = [sim.host(), sim.host()];
      a.open('send', 2, 9000, 1);
      b.open('receive', 2, 9001, 1);
      await sim.settle();
      b.method('invite', '127.0.0.1', 9000, 1);
      tickBoth(sim, a, b, 0, 1000);
      assert.deepEqual(a.events(), ['add 127.0.0.1 9001 1']);
      assert.ok(b.take('/at').some((r) => r.atoms.slice(2).join(' ') === 'invite_timeout 127.0.0.1 9000 1'));
      b.method('codec_get', '127.0.0.1', 9000, 1, 'bitrate');
      assert.deepEqual(b.errors(), ['aoo.receive~ 9001 1: codec_get: a sink has no codec options']);
    });

    it('delivers a stream message on the sample of the audio it was sent with', async () => {
      const sim = new SimEngine();
      const [a, b] = [sim.host(), sim.host()];
      a.open('send', 2, 9000, 1);
      b.open('receive', 2, 9001, 1);
      a.method('add', '127.0.0.1', 9001, 1);
      a.method('start');
      await sim.settle();
      const silence = () => new Float32Array(2 * BS);
      tickBoth(sim, a, b, 0, 100, silence);
      b.take();
      // After tick 99 ended: 10 samples into tick 100 (with an impulse on that sample), and
      // 70 samples later: 6 into tick 101.
      a.methodAt(99, 10, 'list', 0, 'text', 104, 105);
      a.methodAt(99, 70, 'list', 1, 'float32', 0.5, -2);
      const impulse = (k: number) => {
        const block = silence();
        if (k === 100) block[10] = 1;
        return block;
      };
      tickBoth(sim, a, b, 100, 100, impulse);
      let peak = { tick: -1, offset: -1, value: 0 };
      for (const r of b.take('/out')) {
        r.atoms.slice(1, 1 + BS).forEach((v, offset) => {
          if (Math.abs(v as number) > Math.abs(peak.value)) peak = { tick: r.atoms[0] as number, offset, value: v as number };
        });
      }
      assert.ok(peak.value > 0.5, `the impulse came through: ${JSON.stringify(peak)}`);
      assert.ok(peak.tick >= 100 + DEFAULT_LOCAL_LATENCY);
      const msgs = b.take('/at').filter((r) => r.atoms[2] === 'msg').map((r) => r.atoms);
      assert.deepEqual(msgs, [
        [peak.tick, peak.offset, 'msg', '127.0.0.1', 9000, 1, 0, 'text', 104, 105],
        // 60 samples after the first: in the next block if the impulse landed after its sample 3.
        [peak.offset + 60 >= BS ? peak.tick + 1 : peak.tick, (peak.offset + 60) % BS, 'msg', '127.0.0.1', 9000, 1, 1, 'f', 0.5, -2],
      ]);
    });

    it('keeps receive~ settings for a restart; one without a live setter rebuilds the sink and the stream comes back', async () => {
      const sim = new SimEngine();
      const [a, b] = [sim.host(), sim.host()];
      a.open('send', 2, 9000, 1);
      b.open('receive', 2, 9001, 1);
      a.method('add', '127.0.0.1', 9001, 1);
      a.method('start');
      await sim.settle();
      tickBoth(sim, a, b, 0, 200);
      b.take();
      b.method('latency', 40);
      b.method('resend_limit', 4);
      await sim.settle();
      assert.deepEqual(b.events(), [], 'latency and resend_limit change the playing sink');
      b.method('resample_method', 'linear');
      await sim.settle();
      assert.deepEqual(b.events(), ['remove 127.0.0.1 9000 1']);
      assert.deepEqual(keepList(b), ['latency 40', 'resend_limit 4', 'resample_method linear']);
      tickBoth(sim, a, b, 200, 300);
      assert.ok(b.events().includes('add 127.0.0.1 9000 1'));
      const at = b.take('/at').map((r) => r.atoms.slice(2).join(' '));
      assert.ok(at.includes('state 127.0.0.1 9000 1 1'), at.join('\n'));
    });
  });
});
