import { strict as assert } from 'node:assert';
import { hashPassword } from '../../../src/net/password.ts';
import { AOO_VERSION, AooErrorCode } from '../../../src/protocol/aoo/constants.ts';
import { CoreHarness, json } from './harness.ts';

const ALICE_ADDRESSES = [
  { host: '192.0.2.2', port: 20001 },
  { host: 'fd00::2', port: 20001 },
  { host: '127.0.0.1', port: 20001 },
];

describe('server core: groups and users', () => {
  it('a join creates the group (the joiner is its creator) and reports GroupAdd and GroupJoin', () => {
    const h = new CoreHarness();
    const a = h.login();
    const r = h.join(a, 'grp', 'alice', { groupMetadata: json('{"x":1}'), userMetadata: json('{"u":1}') });
    assert.deepEqual(r, {
      ok: true,
      groupId: 0,
      groupFlags: 0,
      groupMetadata: json('{"x":1}'),
      userId: 0,
      userFlags: 0x02,
      userMetadata: json('{"u":1}'),
      privateMetadata: null,
      relay: null,
    });
    assert.deepEqual(h.events().slice(1), [
      { type: 'GroupAdd', groupId: 0, flags: 0, name: 'grp', metadata: json('{"x":1}') },
      { type: 'GroupJoin', groupId: 0, userId: 0, groupName: 'grp', userName: 'alice', clientId: a, userFlags: 2, userMetadata: json('{"u":1}') },
    ]);
  });

  it('with the relay on, the join reply names the server port as the relay ("", port)', () => {
    const h = new CoreHarness({ relay: true, port: 17001 });
    const a = h.login();
    const r = h.join(a, 'grp', 'alice');
    assert.ok(r.ok);
    assert.deepEqual(r.relay, { host: '', port: 17001 });
  });

  it('the second user and the first are introduced to each other with version, flags, metadata, relay and addresses', () => {
    const h = new CoreHarness();
    const a = h.login({ addresses: ALICE_ADDRESSES });
    const b = h.login({ addresses: [{ host: '127.0.0.1', port: 20002 }], version: '2.1' });
    h.joined(a, 'grp', 'alice', { groupMetadata: json('{"x":1}') });
    h.received(a);
    const r = h.join(b, 'grp', 'bob', { groupMetadata: json('{"ignored":1}'), userMetadata: json('{"b":2}'), relay: { host: '', port: 9999 } });
    assert.ok(r.ok);
    assert.deepEqual([r.groupId, r.userId, r.userFlags, r.groupMetadata], [0, 1, 0, json('{"x":1}')], 'the existing group keeps its metadata');
    assert.deepEqual(h.received(b).slice(-1), [
      {
        kind: 'client/peer/join',
        groupName: 'grp',
        groupId: 0,
        userName: 'alice',
        userId: 0,
        version: AOO_VERSION,
        flags: 0x04,
        metadata: null,
        relay: null,
        addresses: ALICE_ADDRESSES,
      },
    ]);
    assert.deepEqual(h.received(a), [
      {
        kind: 'client/peer/join',
        groupName: 'grp',
        groupId: 0,
        userName: 'bob',
        userId: 1,
        version: '2.1',
        flags: 0,
        metadata: json('{"b":2}'),
        relay: { host: '', port: 9999 },
        addresses: [{ host: '127.0.0.1', port: 20002 }],
      },
    ]);
  });

  it('a third member gets both others, each other member gets only the newcomer', () => {
    const h = new CoreHarness();
    const [a, b, c] = [h.login(), h.login(), h.login()];
    h.joined(a, 'g', 'alice');
    h.joined(b, 'g', 'bob');
    h.received(a);
    h.received(b);
    h.joined(c, 'g', 'carol');
    const names = (id: number) => h.received(id).flatMap((m) => (m.kind === 'client/peer/join' ? [m.userName] : []));
    assert.deepEqual(names(c), ['alice', 'bob']);
    assert.deepEqual(names(a), ['carol']);
    assert.deepEqual(names(b), ['carol']);
  });

  it('a leave is answered and announced; the last leave removes the group; freed user IDs are reused smallest first', () => {
    const h = new CoreHarness();
    const [a, b, c, d] = [h.login(), h.login(), h.login(), h.login()];
    h.joined(a, 'g', 'alice');
    h.joined(b, 'g', 'bob');
    h.joined(c, 'g', 'carol');
    h.received(a);
    h.received(c);
    h.send(b, { kind: 'server/group/leave', token: 9, groupId: 0 });
    assert.deepEqual(h.received(b).slice(-1), [{ kind: 'client/group/leave', token: 9, result: { ok: true } }]);
    assert.deepEqual(h.received(a), [{ kind: 'client/peer/leave', groupId: 0, userId: 1 }]);
    assert.deepEqual(h.received(c), [{ kind: 'client/peer/leave', groupId: 0, userId: 1 }]);
    assert.deepEqual(h.events().at(-1), { type: 'GroupLeave', groupId: 0, userId: 1, groupName: 'g', userName: 'bob' });
    assert.equal(h.joined(d, 'g', 'dave').userId, 1);
    assert.equal(h.joined(b, 'g', 'bob').userId, 3);

    for (const id of [a, b, c, d]) h.send(id, { kind: 'server/group/leave', token: 1, groupId: 0 });
    assert.deepEqual(h.events().at(-1), { type: 'GroupRemove', groupId: 0, name: 'g' });
    assert.equal(h.core.stats.groups, 0);
    assert.equal(h.joined(a, 'g', 'alice').groupId, 1, 'group IDs are not reused');
  });

  it('refuses leaves of unknown groups (1007) and of groups the client is not in (1010)', () => {
    const h = new CoreHarness();
    const [a, b] = [h.login(), h.login()];
    h.joined(a, 'g', 'alice');
    h.send(b, { kind: 'server/group/leave', token: 1, groupId: 5 });
    h.send(b, { kind: 'server/group/leave', token: 2, groupId: 0 });
    assert.deepEqual(
      h.received(b).map((m) => (m.kind === 'client/group/leave' && !m.result.ok ? m.result.code : m.kind)),
      [AooErrorCode.GroupDoesNotExist, AooErrorCode.NotGroupMember],
    );
  });

  it('checks group passwords, active users, user passwords and membership, with the spec’s error codes', () => {
    const h = new CoreHarness();
    const [a, b, c] = [h.login(), h.login(), h.login()];
    h.joined(a, 'g', 'alice', { groupPassword: 'gpwd', userPassword: 'apwd' });
    const code = (r: ReturnType<typeof h.join>) => (r.ok ? 0 : r.code);
    assert.equal(code(h.join(b, 'g', 'bob', { groupPassword: 'wrong' })), AooErrorCode.WrongPassword);
    assert.equal(code(h.join(b, 'g', 'bob')), AooErrorCode.WrongPassword);
    assert.equal(code(h.join(b, 'g', 'alice', { groupPassword: 'gpwd', userPassword: 'apwd' })), AooErrorCode.UserAlreadyExists);
    assert.equal(code(h.join(a, 'g', 'alice2', { groupPassword: 'gpwd' })), AooErrorCode.AlreadyGroupMember);
    assert.equal(code(h.join(b, '', 'bob')), AooErrorCode.BadArgument);
    assert.equal(code(h.join(b, 'g', 'bob', { groupPassword: 'gpwd' })), 0);

    const persistent = h.core.addUser(0, 'carol', { password: 'cpwd' });
    assert.equal(persistent, 2);
    assert.equal(code(h.join(c, 'g', 'carol', { groupPassword: 'gpwd', userPassword: 'x' })), AooErrorCode.WrongPassword);
    const r = h.join(c, 'g', 'carol', { groupPassword: 'gpwd', userPassword: 'cpwd' });
    assert.ok(r.ok);
    assert.deepEqual([r.userId, r.userFlags], [2, 0x01]);
    h.send(c, { kind: 'server/group/leave', token: 1, groupId: 0 });
    assert.equal(code(h.join(c, 'g', 'carol', { groupPassword: 'gpwd', userPassword: 'cpwd' })), 0, 'a persistent user survives its leave');
  });

  it('without group creation joins of unknown groups fail (1008); without user creation only existing users can join (1013)', () => {
    const h = new CoreHarness({ allowGroupCreation: false, allowUserCreation: false });
    const [a, b] = [h.login(), h.login()];
    const code = (r: ReturnType<typeof h.join>) => (r.ok ? 0 : r.code);
    assert.equal(code(h.join(a, 'g', 'alice')), AooErrorCode.CannotCreateGroup);
    const g = h.core.addGroup('g', { password: 'gpwd', metadata: json('{"g":0}') });
    assert.equal(g, 0);
    assert.equal(h.core.addGroup('g'), null, 'names are unique');
    assert.equal(h.core.addUser(0, 'alice'), 0);
    assert.equal(h.core.addUser(0, 'alice'), null);
    assert.equal(code(h.join(b, 'g', 'bob', { groupPassword: 'gpwd' })), AooErrorCode.CannotCreateUser);
    const r = h.join(a, 'g', 'alice', { groupPassword: 'gpwd' });
    assert.ok(r.ok);
    assert.deepEqual([r.groupFlags, r.groupMetadata, r.userFlags], [0x01, json('{"g":0}'), 0x01]);
    h.send(a, { kind: 'server/group/leave', token: 1, groupId: 0 });
    assert.equal(h.core.stats.groups, 1, 'a persistent group outlives its last member');
  });

  it('group metadata updates are echoed to the sender and announced to the others with the sender’s user ID', () => {
    const h = new CoreHarness();
    const [a, b, c] = [h.login(), h.login(), h.login()];
    h.joined(a, 'g', 'alice', { groupMetadata: json('{"y":1}') });
    h.joined(b, 'g', 'bob');
    h.received(a);
    h.received(b);
    h.send(b, { kind: 'server/group/update', token: 2, groupId: 0, data: json('{"y":2}') });
    assert.deepEqual(h.received(b), [{ kind: 'client/group/update', token: 2, result: { ok: true, data: json('{"y":2}') } }]);
    assert.deepEqual(h.received(a), [{ kind: 'client/group/changed', groupId: 0, userId: 1, data: json('{"y":2}') }]);
    assert.deepEqual(h.events().at(-1), { type: 'GroupUpdate', groupId: 0, userId: 1, metadata: json('{"y":2}') });
    const r = h.join(c, 'g', 'carol');
    assert.ok(r.ok);
    assert.deepEqual(r.groupMetadata, json('{"y":2}'), 'a later member gets the new metadata');

    h.send(c, { kind: 'server/group/update', token: 3, groupId: 7, data: json('{}') });
    const d = h.login();
    h.send(d, { kind: 'server/group/update', token: 4, groupId: 0, data: json('{}') });
    const errorCode = (id: number) => h.received(id).flatMap((m) => (m.kind === 'client/group/update' && !m.result.ok ? [m.result.code] : []));
    assert.deepEqual(errorCode(c), [AooErrorCode.GroupDoesNotExist]);
    assert.deepEqual(errorCode(d), [AooErrorCode.NotGroupMember]);
  });

  it('user metadata updates reach the other members as /peer/changed, and later members in /peer/join', () => {
    const h = new CoreHarness();
    const [a, b, c] = [h.login(), h.login(), h.login()];
    h.joined(a, 'g', 'alice');
    h.joined(b, 'g', 'bob');
    h.received(a);
    h.received(b);
    h.send(a, { kind: 'server/user/update', token: 3, groupId: 0, data: json('{"y":2}') });
    assert.deepEqual(h.received(a), [{ kind: 'client/user/update', token: 3, result: { ok: true, data: json('{"y":2}') } }]);
    assert.deepEqual(h.received(b), [{ kind: 'client/peer/changed', groupId: 0, userId: 0, data: json('{"y":2}') }]);
    assert.deepEqual(h.events().at(-1), { type: 'UserUpdate', groupId: 0, userId: 0, metadata: json('{"y":2}') });
    h.joined(c, 'g', 'carol');
    const alice = h.received(c).find((m) => m.kind === 'client/peer/join' && m.userName === 'alice');
    assert.ok(alice?.kind === 'client/peer/join');
    assert.deepEqual(alice.metadata, json('{"y":2}'));
    h.send(c, { kind: 'server/user/update', token: 4, groupId: 3, data: json('{}') });
    assert.deepEqual(h.received(c), [{ kind: 'client/user/update', token: 4, result: { ok: false, code: AooErrorCode.GroupDoesNotExist, systemCode: 0, message: '' } }]);
  });

  it('server-side updates: /group/changed with user -1 to all members; /user/changed to the user, /peer/changed to the others', () => {
    const h = new CoreHarness();
    const [a, b] = [h.login(), h.login()];
    h.joined(a, 'g', 'alice');
    h.joined(b, 'g', 'bob');
    h.received(a);
    h.received(b);
    assert.equal(h.core.updateGroup(0, json('{"s":1}')), true);
    assert.equal(h.core.updateUser(0, 1, json('{"s":2}')), true);
    assert.equal(h.core.updateGroup(5, json('{}')), false);
    assert.equal(h.core.updateUser(0, 9, json('{}')), false);
    h.collect();
    assert.deepEqual(h.received(a), [
      { kind: 'client/group/changed', groupId: 0, userId: -1, data: json('{"s":1}') },
      { kind: 'client/peer/changed', groupId: 0, userId: 1, data: json('{"s":2}') },
    ]);
    assert.deepEqual(h.received(b), [
      { kind: 'client/group/changed', groupId: 0, userId: -1, data: json('{"s":1}') },
      { kind: 'client/user/changed', groupId: 0, userId: 1, data: json('{"s":2}') },
    ]);
  });

  it('eject: the user’s client gets /group/eject, the others /peer/leave; the ejected client may join again', () => {
    const h = new CoreHarness();
    const [a, b] = [h.login(), h.login()];
    h.joined(a, 'g', 'alice');
    h.joined(b, 'g', 'bob');
    h.received(a);
    h.received(b);
    assert.equal(h.core.ejectUser(0, 1), true);
    assert.equal(h.core.ejectUser(0, 1), false, 'no longer a member');
    assert.equal(h.core.ejectUser(3, 0), false);
    h.collect();
    assert.deepEqual(h.received(b), [{ kind: 'client/group/eject', groupId: 0 }]);
    assert.deepEqual(h.received(a), [{ kind: 'client/peer/leave', groupId: 0, userId: 1 }]);
    assert.deepEqual(h.events().at(-1), { type: 'GroupLeave', groupId: 0, userId: 1, groupName: 'g', userName: 'bob' });
    assert.equal(h.isClosed(b), false);
    assert.equal(h.joined(b, 'g', 'bob').userId, 1);
  });

  it('stores group and user passwords as the clients send them (MD5 hex), so the hash opens the group', () => {
    const h = new CoreHarness();
    const [a, b] = [h.login(), h.login()];
    h.joined(a, 'g', 'alice', { groupPassword: 'gpwd' });
    h.send(b, {
      kind: 'server/group/join',
      token: 1,
      groupName: 'g',
      groupPassword: hashPassword('gpwd'),
      groupMetadata: null,
      userName: 'bob',
      userPassword: '',
      userMetadata: null,
      relay: null,
    });
    const reply = h.received(b).find((m) => m.kind === 'client/group/join');
    assert.ok(reply?.kind === 'client/group/join' && reply.result.ok);
    assert.equal(hashPassword('gpwd'), '4259EB9EA37F3BA630D82AC7DD50E44B', 'the capture’s hash of "gpwd"');
  });
});
