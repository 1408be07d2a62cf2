import { strict as assert } from 'node:assert';
import { OBJECT_TIMEOUT } from '../../src/engine/control-protocol.ts';
import { SimEngine } from './sim-engine.ts';

describe('engine registry', () => {
  it('registers an object on /open (ready 1), confirms a repeated /open (ready 0)', async () => {
    const sim = new SimEngine();
    const h = sim.host();
    h.open('send', 2, 9000, 1);
    assert.deepEqual(h.take(), [{ address: '/ready', atoms: [1] }]);
    h.open('send', 2, 9000, 1);
    assert.deepEqual(h.take(), [{ address: '/ready', atoms: [0] }]);
    assert.equal(sim.engine.objectCount, 1);
    await sim.settle();
    assert.ok(sim.udp.isOpen(9000));
  });

  it('shares one UDP port between objects and closes it when the last one leaves', async () => {
    const sim = new SimEngine();
    const [a, b, c] = [sim.host(), sim.host(), sim.host()];
    a.open('send', 1, 9000, 1);
    b.open('receive', 1, 9000, 1);
    c.open('receive', 1, 9001, 1);
    await sim.settle();
    assert.equal(sim.udp.opened, 2);
    assert.equal(sim.engine.openPorts, 2);
    for (let t = 0; t < 20 * (OBJECT_TIMEOUT - 1); t++) {
      sim.advance(0.05);
      a.send('/hb', []);
    }
    assert.equal(sim.engine.objectCount, 3, 'b and c were silent for 4 s');
    sim.advance(1.1);
    assert.equal(sim.engine.objectCount, 1, 'b and c were silent for 5 s');
    await sim.settle();
    assert.equal(sim.udp.closed, 1);
    assert.ok(sim.udp.isOpen(9000), 'a still uses 9000');
    assert.equal(sim.engine.idleSeconds, 0);
    sim.advance(OBJECT_TIMEOUT);
    await sim.settle();
    assert.equal(sim.engine.objectCount, 0);
    assert.equal(sim.udp.closed, 2);
    sim.advance(3);
    assert.equal(sim.engine.idleSeconds, 3);
  });

  it('sends a heartbeat with the local latency every 0.5 s', () => {
    const sim = new SimEngine();
    const h = sim.host();
    h.open('receive', 2, 9000, 1, 50);
    h.take();
    for (let i = 0; i < 10; i++) {
      sim.advance(0.1);
      h.send('/hb', []);
    }
    const beats = h.take('/hb');
    assert.equal(beats.length, 2);
    assert.deepEqual(beats[0]!.atoms, [Math.fround((8 * 64 * 1000) / 48000), 0]);
  });

  it('refuses a second object with the same kind, port and id while the first one talks', async () => {
    const sim = new SimEngine();
    const [a, b] = [sim.host(), sim.host()];
    a.open('send', 1, 9000, 7);
    b.open('send', 1, 9000, 7);
    assert.deepEqual(b.take('/ready'), []);
    assert.deepEqual(b.errors(), ['aoo.send~: port 9000 id 7 is already used by another aoo.send~']);
    for (let i = 0; i < 4; i++) {
      sim.advance(0.2);
      a.send('/hb', []);
      b.open('send', 1, 9000, 7);
    }
    assert.deepEqual(b.take(), [], 'told once, not at every retry');
    b.open('receive', 1, 9000, 7);
    assert.deepEqual(b.take('/ready'), [{ address: '/ready', atoms: [1] }], 'a receive~ may have the same id');
  });

  it('hands the port and id to a new object when the old one has gone quiet (a patch edit)', () => {
    const sim = new SimEngine();
    const [a, b] = [sim.host(), sim.host()];
    a.open('send', 1, 9000, 7);
    sim.advance(1.2);
    b.open('send', 1, 9000, 7);
    assert.deepEqual(b.take('/ready'), [{ address: '/ready', atoms: [1] }]);
    assert.equal(sim.engine.objectCount, 1);
    assert.ok(sim.log.some((l) => l.includes('replaced by a new object')));
  });

  it('answers /probe with its protocol version and pid', () => {
    const sim = new SimEngine();
    const h = sim.host();
    h.send('/probe', []);
    assert.deepEqual(h.take(), [{ address: '/engine', atoms: ['1', 4242] }]);
  });

  it('tells an unregistered object that sends a method, and ignores its blocks', () => {
    const sim = new SimEngine();
    const h = sim.host();
    h.tick(5);
    h.block(5, new Float32Array(64));
    assert.deepEqual(h.take(), []);
    h.method('start');
    assert.deepEqual(h.errors(), ['aoo-node engine: start: this object is not registered with the engine (yet)']);
  });

  it('limits error replies to 10 per second per object', () => {
    const sim = new SimEngine();
    const h = sim.host();
    h.open('send', 1, 0, 1);
    for (let i = 0; i < 50; i++) h.method('bogus');
    const errors = h.errors();
    assert.equal(errors.length, 10);
    assert.ok(errors[9]!.endsWith('(more errors in this second are not shown)'));
    sim.advance(1);
    h.method('bogus');
    assert.equal(h.errors().length, 1);
  });

  it('reports a UDP port another program holds, once, and keeps the object', async () => {
    const sim = new SimEngine();
    sim.udp.busy.add(9000);
    const h = sim.host();
    h.open('receive', 1, 9000, 1);
    await sim.settle();
    assert.deepEqual(h.errors(), ['aoo.receive~ 9000 1: cannot open UDP port 9000: bind EADDRINUSE 0.0.0.0:9000']);
    assert.equal(sim.engine.objectCount, 1);
    sim.udp.busy.delete(9000);
    h.method('port', 9002);
    await sim.settle();
    assert.ok(sim.udp.isOpen(9002));
    assert.deepEqual(h.errors(), []);
  });

  it('moves an object to another port and id; refuses a taken one; keeps the change for a restart', async () => {
    const sim = new SimEngine();
    const [a, b] = [sim.host(), sim.host()];
    a.open('receive', 1, 9000, 1);
    b.open('receive', 1, 9001, 1);
    await sim.settle();
    a.method('set', 9001, 1);
    assert.deepEqual(a.errors(), ['aoo.receive~ 9000 1: set: port 9001 id 1 is already used by another aoo.receive~']);
    a.method('set', 9001, 2);
    a.method('id', 3);
    await sim.settle();
    assert.deepEqual(a.errors(), []);
    assert.ok(!sim.udp.isOpen(9000), 'nobody uses 9000 any more');
    assert.deepEqual(
      a.take('/keep').map((r) => r.atoms.join(' ')),
      ['clear', 'add set 9001 3'],
    );
    a.method('port', 'x');
    a.method('id', -1);
    assert.deepEqual(a.errors(), ['aoo.receive~ 9001 3: port: expects a port number 0…65535', 'aoo.receive~ 9001 3: id: expects a whole number 0…2147483647']);
  });

  it('replaces the object when the same connection opens with other arguments', () => {
    const sim = new SimEngine();
    const h = sim.host();
    h.open('send', 1, 0, 1);
    h.open('send', 2, 0, 1);
    assert.deepEqual(h.take('/ready').map((r) => r.atoms[0]), [1, 1]);
    assert.equal(sim.engine.objectCount, 1);
  });
});
