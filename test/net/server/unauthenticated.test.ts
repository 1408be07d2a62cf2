import { strict as assert } from 'node:assert';
import { UnauthenticatedSources } from '../../../src/net/server/unauthenticated.ts';

describe('UnauthenticatedSources', () => {
  it('admits a burst, then the refill rate, per IP', () => {
    const s = new UnauthenticatedSources({ burst: 3, perSecond: 2 });
    const admitted = (ip: string, t: number) => s.admit(ip, 10, t);
    assert.deepEqual([0, 0, 0, 0].map(() => admitted('a', 0)), [true, true, true, false]);
    assert.equal(admitted('b', 0), true);
    assert.equal(admitted('a', 0.25), false, 'half a token');
    assert.equal(admitted('a', 0.5), true);
    assert.deepEqual([0, 0, 0, 0].map(() => admitted('a', 100)), [true, true, true, false], 'the bucket holds at most the burst');
  });

  it('lets replies spend only the bytes received, up to a cap', () => {
    const s = new UnauthenticatedSources({ burst: 100, perSecond: 0 }, 10, 50);
    assert.equal(s.spend('a', 1), false, 'nothing received yet');
    s.admit('a', 24, 0);
    assert.equal(s.spend('a', 40), false);
    s.admit('a', 24, 0);
    assert.equal(s.spend('a', 40), true);
    assert.equal(s.spend('a', 9), false, '8 bytes left');
    for (let i = 0; i < 10; i++) s.admit('a', 24, 0);
    assert.equal(s.spend('a', 51), false, 'credit is capped at 50');
    assert.equal(s.spend('a', 50), true);
  });

  it('remembers at most maxSources IPs, forgetting the least recently seen', () => {
    const s = new UnauthenticatedSources({ burst: 1, perSecond: 0 }, 100);
    for (let i = 0; i < 10000; i++) s.admit(`10.0.${i >> 8}.${i & 255}`, 24, 0);
    assert.equal(s.size, 100);
    assert.equal(s.admit('10.0.39.15', 24, 0), false, 'recent: its token is spent');
    assert.equal(s.admit('10.0.0.0', 24, 0), true, 'forgotten: a fresh bucket');
  });
});
