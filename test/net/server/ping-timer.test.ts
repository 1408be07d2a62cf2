import { strict as assert } from 'node:assert';
import { PingTimer, SERVER_TCP_PING } from '../../../src/net/server/ping-timer.ts';

/** Runs the timer from wakeup to wakeup until `end`; returns [time, action] pairs. `answerAt` are the times the other side is heard. */
function run(end: number, answerAt: readonly number[] = []): [number, string][] {
  const timer = new PingTimer(SERVER_TCP_PING, 0);
  const answers = [...answerAt];
  const log: [number, string][] = [];
  for (let i = 0; i < 1000; i++) {
    const t = Math.min(timer.nextWakeup, answers[0] ?? Infinity);
    if (t > end) break;
    if (t === answers[0]) {
      answers.shift();
      timer.heard(t);
      continue;
    }
    const action = timer.poll(t);
    assert.notEqual(action, null, `nothing due at the announced wakeup ${t}`);
    log.push([t, action!]);
    if (action === 'timeout') break;
  }
  return log;
}

describe('PingTimer (spec §11.3)', () => {
  it('pings at once and every 5 s; silent, it probes every second from 10 s and times out at 15 s', () => {
    assert.deepEqual(run(100), [
      [0, 'ping'],
      [5, 'ping'],
      [10, 'ping'],
      [11, 'ping'],
      [12, 'ping'],
      [13, 'ping'],
      [14, 'ping'],
      [15, 'timeout'],
    ]);
  });

  it('an answer pushes the deadline to 10 s after it', () => {
    const pings = (...times: number[]) => times.map((t) => [t, 'ping']);
    assert.deepEqual(run(30, [4, 12.5]), [...pings(0, 5, 10, 15, 20, 22.5, 23.5, 24.5, 25.5, 26.5), [27.5, 'timeout']]);
  });

  it('an answer while probing ends the probing and returns to the 5 s rhythm', () => {
    const pings = (...times: number[]) => times.map((t) => [t, 'ping']);
    assert.deepEqual(run(30, [4, 15.5]), pings(0, 5, 10, 14, 15, 20.5, 25.5, 26.5, 27.5, 28.5, 29.5));
  });
});
