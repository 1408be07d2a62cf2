import { strict as assert } from 'node:assert';
import { EventSchedule } from '../../src/engine/event-schedule.ts';

describe('engine event schedule', () => {
  it('gives events back when due, in time order, equal times in arrival order', () => {
    const s = new EventSchedule<string>(10);
    for (const [due, e] of [[3, 'c'], [1, 'a'], [2, 'b1'], [2, 'b2'], [5, 'e']] as const) assert.ok(s.add(due, e));
    assert.equal(s.nextDue, 1);
    assert.deepEqual(s.takeDue(0.5), []);
    assert.deepEqual(s.takeDue(2), ['a', 'b1', 'b2']);
    assert.equal(s.nextDue, 3);
    assert.deepEqual(s.takeDue(10), ['c', 'e']);
    assert.equal(s.nextDue, Infinity);
  });

  it('refuses events beyond its capacity and keeps the ones it has', () => {
    const s = new EventSchedule<number>(3);
    assert.deepEqual([1, 2, 3, 4].map((n) => s.add(n, n)), [true, true, true, false]);
    assert.equal(s.size, 3);
    assert.deepEqual(s.takeDue(4), [1, 2, 3]);
    assert.ok(s.add(9, 9));
  });
});
