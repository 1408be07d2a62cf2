import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import { hashPassword } from '../../../src/net/password.ts';
import { AOO_VERSION } from '../../../src/protocol/aoo/constants.ts';
import { startCli, waitForStderr } from '../../support/cli.ts';
import { RawTcpClient } from './raw-client.ts';

describe('aoo-node server (child process)', () => {
  let child: ChildProcess | undefined;
  const clients: RawTcpClient[] = [];
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
    child?.kill('SIGKILL');
    child = undefined;
  });

  it('serves logins, prints one JSON object per line on stderr without passwords, and stops cleanly on SIGINT', async () => {
    const run = startCli(['server', '--port', '0', '--host', '127.0.0.1', '--password', 's3cret', '--relay']);
    child = run.child;
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    await waitForStderr(child, '"msg":"listening"');
    const listening = JSON.parse(stderr.split('\n').find((l) => l.includes('"msg":"listening"'))!) as { port: number; relay: boolean; password: boolean };
    assert.deepEqual([listening.relay, listening.password], [true, true]);

    const good = await RawTcpClient.connect('127.0.0.1', listening.port);
    const bad = await RawTcpClient.connect('127.0.0.1', listening.port);
    clients.push(good, bad);
    const login = (c: RawTcpClient, password: string) =>
      c.send({ kind: 'server/login', token: 0, version: AOO_VERSION, password: hashPassword(password), metadata: null, addresses: [{ host: '127.0.0.1', port: 9 }] });
    login(good, 's3cret');
    assert.ok((await good.next('client/login')).result.ok);
    good.send({ kind: 'server/group/join', token: 1, groupName: 'band', groupPassword: hashPassword('g3cret'), groupMetadata: null, userName: 'me', userPassword: '', userMetadata: null, relay: null });
    const joined = await good.next('client/group/join');
    assert.ok(joined.result.ok);
    assert.deepEqual(joined.result.relay, { host: '', port: listening.port });
    login(bad, 'nope');
    assert.deepEqual((await bad.next('client/login')).result, { ok: false, code: 1004, systemCode: 0, message: '' });
    await bad.whenClosed();

    child.kill('SIGINT');
    const finished = await run.done;
    assert.equal(finished.code, 0);
    assert.equal(finished.stdout, '');
    const lines = finished.stderr.trim().split('\n');
    const records = lines.map((l) => JSON.parse(l) as { time: string; level: string; msg: string });
    for (const r of records) assert.ok(typeof r.time === 'string' && typeof r.level === 'string' && typeof r.msg === 'string', JSON.stringify(r));
    const messages = records.map((r) => r.msg);
    for (const m of ['listening', 'client-login', 'group-add', 'group-join', 'stopped']) assert.ok(messages.includes(m), `no "${m}" in ${messages.join(', ')}`);
    for (const secret of ['s3cret', 'g3cret', 'nope']) {
      assert.deepEqual(lines.filter((l) => l.includes(secret) || l.includes(hashPassword(secret))), [], secret);
    }
  });

  it('rejects bad arguments with exit code 2', async () => {
    const run = startCli(['server', '--port', 'x']);
    child = run.child;
    const finished = await run.done;
    assert.equal(finished.code, 2);
    assert.match(finished.stderr, /--port must be a port number/);
  });
});
