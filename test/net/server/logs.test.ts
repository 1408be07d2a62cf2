import { strict as assert } from 'node:assert';
import { eventRecord, formatLogLine } from '../../../src/cli/server.ts';
import { hashPassword } from '../../../src/net/password.ts';
import { AOO_VERSION } from '../../../src/protocol/aoo/constants.ts';
import { CoreHarness, encode, framed, json } from './harness.ts';

const SECRETS = ['serverpwd', 'grouppwd', 'userpwd', 'wrongpwd'];

/** Every log line the CLI would print for the harness's events and log records. */
function logLines(h: CoreHarness): string[] {
  const at = new Date(0);
  return h.outputs.flatMap((o) => (o.type === 'log' ? [formatLogLine(o.record, at)] : o.type === 'event' ? [formatLogLine(eventRecord(o.event), at)] : []));
}

describe('server logs', () => {
  it('never contain a password or its hash, whatever the clients send', () => {
    const h = new CoreHarness({ password: 'serverpwd', relay: true });
    const refused = h.connect();
    h.send(refused, { kind: 'server/login', token: 0, version: AOO_VERSION, password: hashPassword('wrongpwd'), metadata: null, addresses: [] });
    const a = h.login({ password: 'serverpwd', metadata: json('{"secret":"serverpwd"}') });
    const b = h.login({ password: 'serverpwd' });
    h.joined(a, 'g', 'alice', { groupPassword: 'grouppwd', userPassword: 'userpwd', userMetadata: json('{"p":"userpwd"}') });
    h.join(b, 'g', 'bob', { groupPassword: 'wrongpwd' });
    h.join(b, 'g', 'alice', { groupPassword: 'grouppwd', userPassword: 'wrongpwd' });
    h.core.addUser(0, 'carol', { password: 'userpwd' });
    h.join(b, 'g', 'carol', { groupPassword: 'grouppwd', userPassword: 'wrongpwd' });
    // A login whose last argument is broken: the decoder fails after reading the password.
    const broken = encode({ kind: 'server/login', token: 1, version: AOO_VERSION, password: hashPassword('serverpwd'), metadata: null, addresses: [] });
    broken[broken.length - 1] = 9;
    const c = h.connect();
    h.sendBytes(c, framed(broken));
    h.sendBytes(b, framed(broken));
    h.advance(30);

    const lines = logLines(h);
    assert.ok(lines.length >= 12, `${lines.length} lines`);
    for (const l of lines) JSON.parse(l);
    assert.ok(lines.some((l) => l.includes('"msg":"client-login"') && l.includes('"error":1004')));
    assert.ok(lines.some((l) => l.includes('"msg":"group-join-refused"')));
    assert.ok(lines.some((l) => l.includes('"msg":"protocol-error"')));
    for (const secret of SECRETS) {
      for (const needle of [secret, hashPassword(secret), hashPassword(secret).toLowerCase()]) {
        assert.deepEqual(lines.filter((l) => l.includes(needle)), [], `"${needle}" appears in the log`);
      }
    }
  });

  it('events become log records named in kebab case, with metadata as type and size only', () => {
    const record = eventRecord({ type: 'GroupJoin', groupId: 1, userId: 2, groupName: 'g', userName: 'u', clientId: 3, userFlags: 0, userMetadata: json('{"a":1}') });
    assert.deepEqual(record, {
      level: 'info',
      message: 'group-join',
      fields: { groupId: 1, userId: 2, groupName: 'g', userName: 'u', clientId: 3, userFlags: 0, userMetadata: 'json, 7 bytes' },
    });
    assert.equal(eventRecord({ type: 'ClientLogin', clientId: 0, remote: '127.0.0.1:1', error: 1004, version: '2.0', metadata: null }).level, 'warn');
    assert.equal(
      formatLogLine({ level: 'info', message: 'x', fields: { a: 1 } }, new Date(0)),
      '{"time":"1970-01-01T00:00:00.000Z","level":"info","msg":"x","a":1}\n',
    );
  });
});
