import { strict as assert } from 'node:assert';
import { type Socket, createSocket } from 'node:dgram';
import { type ChildProcess } from 'node:child_process';
import { decodeOscMessage, encodeOscMessageToBytes } from '../../src/protocol/osc/index.ts';
import { startCli, waitForStderr } from '../support/cli.ts';

function randomPort(): number {
  return 20000 + Math.floor(Math.random() * 40000);
}

describe('aoo-node engine (process)', function () {
  this.timeout(20000);
  const children: ChildProcess[] = [];
  const sockets: Socket[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
    for (const s of sockets.splice(0)) s.close();
  });

  it('serves /open on 127.0.0.1, and a second engine on the same port exits at once, naming the first', async () => {
    const port = randomPort();
    const first = startCli(['engine', '--control-port', String(port), '--idle-exit', '0']);
    children.push(first.child);
    await waitForStderr(first.child, 'listening on 127.0.0.1');
    const host = createSocket('udp4');
    sockets.push(host);
    const reply = new Promise<string>((resolve) => host.once('message', (m) => {
      const r = decodeOscMessage(new Uint8Array(m));
      resolve(r.ok ? `${r.value.address} ${r.value.args.map((a) => ('value' in a ? String(a.value) : a.type)).join(' ')}` : 'bad');
    }));
    const open = encodeOscMessageToBytes({
      address: '/open',
      args: [{ type: 's', value: 'receive' }, ...[48000, 64, 2, 0, 1].map((value) => ({ type: 'f' as const, value }))],
    });
    assert.ok(open.ok);
    host.send(open.value, port, '127.0.0.1');
    assert.equal(await reply, '/ready 1');

    const second = startCli(['engine', '--control-port', String(port)]);
    const { code, stderr } = await second.done;
    assert.equal(code, 0);
    assert.match(stderr, new RegExp(`another engine \\(pid ${first.child.pid}\\) already serves control port ${port}; this one exits`));
  });

  it('stops after --idle-exit seconds without objects', async () => {
    const { child, done } = startCli(['engine', '--control-port', String(randomPort()), '--idle-exit', '0.5']);
    children.push(child);
    const { code, stderr } = await done;
    assert.equal(code, 0);
    assert.match(stderr, /no objects for 0\.5 s; stopping/);
  });

  it('exits with an error when another program holds the control port', async () => {
    const holder = createSocket('udp4');
    sockets.push(holder);
    const port = await new Promise<number>((resolve) => holder.bind(0, '127.0.0.1', () => resolve(holder.address().port)));
    const { code, stderr } = await startCli(['engine', '--control-port', String(port)]).done;
    assert.equal(code, 1);
    assert.match(stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE.*another program uses it`));
  });

  it('refuses bad arguments', async () => {
    const { code, stderr } = await startCli(['engine', '--control-port', '70000']).done;
    assert.equal(code, 2);
    assert.match(stderr, /--control-port must be a port number/);
  });
});
