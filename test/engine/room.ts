/** A room in one simulated engine: an `[aoo.server]` and `[aoo.client]`s that log in and join a group. */
import { strict as assert } from 'node:assert';
import type { Atom } from '../../src/engine/control-protocol.ts';
import { type SimHost, SimEngine } from './sim-engine.ts';

export const SERVER_PORT = 7078;
export const GROUP = 'band';

export interface Room {
  readonly sim: SimEngine;
  readonly server: SimHost;
  /** One client per user, on ports 9000, 9001, … */
  readonly clients: SimHost[];
}

/** The /keep list a host holds now (the lines after the last `clear`). */
export function keepList(h: SimHost): string[] {
  const lines = h.take('/keep').map((r) => r.atoms.join(' '));
  const last = lines.lastIndexOf('clear');
  return lines.slice(last + 1).map((l) => l.replace(/^add /, ''));
}

/** Events with their first atom `name`, as text lines. */
export function eventsNamed(events: readonly string[], ...names: string[]): string[] {
  return events.filter((e) => names.includes(e.split(' ')[0]!));
}

export interface RoomOptions {
  /** Sent to the server at once. */
  readonly serverMethods?: readonly [string, ...Atom[]][];
  /** Runs before anyone connects (network conditions). */
  readonly configure?: (sim: SimEngine) => void;
}

/** A server and one client per user, connected and joined to GROUP; every reply up to here is taken. */
export async function room(users: readonly string[], options: RoomOptions = {}): Promise<Room> {
  const sim = new SimEngine();
  options.configure?.(sim);
  const server = sim.host();
  server.openNet('server', SERVER_PORT);
  for (const [selector, ...args] of options.serverMethods ?? []) server.method(selector, ...args);
  const clients = users.map((_, i) => {
    const h = sim.host();
    h.openNet('client', 9000 + i);
    return h;
  });
  await sim.settle();
  for (const c of clients) c.method('connect', '127.0.0.1', SERVER_PORT);
  clients.forEach((c, i) => c.method('group_join', GROUP, '_', users[i]!));
  // Connecting takes two address queries (0.25 s apart), the handshakes a ping or two.
  await sim.run(1);
  for (const h of [server, ...clients]) {
    assert.deepEqual(h.errors(), []);
    h.take();
  }
  return { sim, server, clients };
}
