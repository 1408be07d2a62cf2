import { strict as assert } from 'node:assert';
import { MemberTracker } from '../../src/cli/rehearsal-member.ts';
import { RoomLineReader } from '../../src/cli/rehearsal-pd.ts';
import { startCli, waitForStderr } from '../support/cli.ts';

describe('aoo-node rehearsal', function () {
  this.timeout(40000);

  it('reads the example patch\'s "room:" lines: joins, peers by name or address, stream states, levels', () => {
    const tracker = new MemberTracker('alice');
    const reader = new RoomLineReader(tracker);
    for (const line of [
      'room: group_join band 1 0',
      'room: peer_join band bob 1 127.0.0.1 50001',
      'something else: state band carol 1 1',
      'room: state 127.0.0.1 50001 1 2',
      'room: level -9.5',
    ]) {
      reader.read(line);
    }
    assert.equal(tracker.statusText(), 'alice: with bob, hears bob buffering, -9.5 dBFS');
    reader.read('room: state band bob 1 1');
    assert.deepEqual(tracker.summary(['bob']), { line: 'alice: heard bob, loudest -9.5 dBFS', failure: undefined });
    reader.read('room: peer_leave band bob 1 127.0.0.1 50001');
    assert.equal(tracker.statusText(), 'alice: alone, -9.5 dBFS');
  });

  it('summary: a musician fails who never heard a peer active, heard only silence, or broke', () => {
    const silent = new MemberTracker('bob');
    silent.joined();
    silent.streamState('alice', 'buffering');
    assert.equal(silent.summary(['alice']).failure, 'bob never heard alice');
    silent.streamState('alice', 'active');
    silent.level(-80);
    assert.equal(silent.summary(['alice']).failure, 'bob heard only silence');
    silent.fail('Pd exited (SIGKILL)');
    silent.fail('a later problem');
    assert.equal(silent.summary(['alice']).failure, 'bob: Pd exited (SIGKILL)');
    assert.equal(silent.statusText(), 'bob: Pd exited (SIGKILL)');
  });

  it('with Node peers, alice and bob join one group and hear each other; exit 0', async () => {
    const { code, stdout, stderr } = await startCli(['rehearsal', '--seconds', '3', '--peers', 'node'], 30000).done;
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^alice: heard bob, loudest -9\.\d dBFS$/m);
    assert.match(stdout, /^bob: heard alice, loudest -9\.\d dBFS$/m);
    assert.match(stdout, /^ok: alice and bob heard each other \(Node peers\)$/m);
    assert.match(stderr, /alice: with bob, hears bob active/);
  });

  it('with two headless Pd instances running the example patch, alice and bob hear each other; exit 0', async () => {
    const { code, stdout, stderr } = await startCli(['rehearsal', '--seconds', '5', '--peers', 'pd'], 30000).done;
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^alice: heard bob, loudest -9\.\d dBFS$/m);
    assert.match(stdout, /^bob: heard alice, loudest -9\.\d dBFS$/m);
    assert.match(stdout, /^ok: alice and bob heard each other \(Pd peers\)$/m);
    assert.doesNotMatch(stderr, /\(Pd\): /, 'no error line from Pd');
  });

  it('Ctrl-C ends it early and cleanly, with the summary', async () => {
    const run = startCli(['rehearsal', '--seconds', '600', '--peers', 'node'], 30000);
    await waitForStderr(run.child, 'hears alice active', 15000);
    run.child.kill('SIGINT');
    const { code, stdout, stderr } = await run.done;
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^ok: alice and bob heard each other/m);
  });

  it('bad arguments: a usage error, exit 2', async () => {
    const { code, stderr } = await startCli(['rehearsal', '--peers', 'max'], 10000).done;
    assert.equal(code, 2);
    assert.match(stderr, /--peers must be pd or node, got "max"/);
  });
});
