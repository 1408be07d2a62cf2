/** The test patches: a sender and a receiver that record what they sent and played into WAV files. */
import { PdPatch } from './pd-patch.ts';

export const SR = 48000;
/** Not whole numbers of cycles per block or per second: a wrong alignment cannot match by chance. */
export const FREQS = [440.5, 660.25];

/**
 * Local latency of the receivers in these tests, ms (24 blocks of 64 at 48 kHz). This machine is shared by many
 * processes; the engine's reply time has a p99.9 of 10–16 ms here, which the default of
 * 8 blocks does not always cover. The tests are about what arrives, not about how soon.
 */
export const TEST_LOCAL_LATENCY = 32;

/** An `[aoo.client]` on the object's port that logs in to `serverPort` on 127.0.0.1 and joins `group` as `user`. */
export interface ClientOptions {
  readonly serverPort: number;
  readonly group: string;
  readonly user: string;
  /** Printed as `<prefix>-CLIENT` (events), `<prefix>-CONNECTION` and `<prefix>-CLIENT-STATUS`. */
  readonly prefix: string;
}

/** Adds the client of `o` on `port`, joining when `loadbang` fires; returns its box, whose event outlet is 1. */
export function addClient(p: PdPatch, port: number, loadbang: number, o: ClientOptions): number {
  const client = p.obj(`aoo.client ${port}`);
  const join = p.msg(`connect 127.0.0.1 ${o.serverPort}, group_join ${o.group} _ ${o.user}`);
  p.connect(loadbang, 0, join).connect(join, 0, client);
  p.connect(client, 0, p.obj(`print ${o.prefix}-CONNECTION`));
  p.connect(client, 1, p.obj(`print ${o.prefix}-CLIENT`));
  p.connect(client, 2, p.obj(`print ${o.prefix}-CLIENT-STATUS`));
  return client;
}

export interface SenderOptions {
  readonly controlPort: number;
  readonly port: number;
  /**
   * The methods sent at load, e.g. `add 127.0.0.1 9001 1, start`; with `client`, sent when
   * the peer `afterPeer` has joined instead.
   */
  readonly methods: string;
  readonly client?: ClientOptions & { readonly afterPeer: string };
  /** Records its two sines from the start for `seconds`, then writes them to `wav` and prints WROTE. */
  readonly wav: string;
  readonly seconds: number;
}

/** Pd A: two sines into [aoo.send~ 2 <port> 1]. Prints its events (A-EVENT) and status (A-STATUS). */
export function senderPatch(o: SenderOptions): PdPatch {
  const p = new PdPatch();
  const send = p.obj(`aoo.send~ 2 ${o.port} 1`);
  const t = p.obj('t b b b');
  p.connect(p.obj('loadbang'), 0, t);
  p.connect(t, 2, p.msg(`; aoo-node-port ${o.controlPort}; pd dsp 1`));
  const methods = p.msg(o.methods);
  p.connect(methods, 0, send);
  if (o.client === undefined) p.connect(t, 1, methods);
  else {
    // `peer_join <group> <user> <id> <ip> <port>` of that peer → the methods.
    const client = addClient(p, o.port, t, o.client);
    const joined = p.obj('route peer_join');
    const group = p.obj(`route ${o.client.group}`);
    const user = p.obj(`route ${o.client.afterPeer}`);
    p.connect(client, 1, joined).chain(joined, group, user, p.obj('t b'), methods);
  }
  FREQS.forEach((f, c) => {
    const osc = p.obj(`osc~ ${f}`);
    p.obj(`array define a${c} ${o.seconds * SR}`);
    const rec = p.obj(`tabwrite~ a${c}`);
    p.connect(osc, 0, send, c).connect(osc, 0, rec).connect(t, 0, rec);
  });
  const write = p.obj(`delay ${o.seconds * 1000 + 200}`);
  p.connect(t, 0, write);
  p.chain(write, p.msg(`write -wave -bytes 4 ${o.wav} a0 a1`), p.obj('soundfiler'), p.obj('print WROTE'));
  p.connect(send, 0, p.obj('print A-EVENT'));
  p.connect(send, 1, p.obj('print A-STATUS'));
  return p;
}

export interface ReceiverOptions {
  readonly controlPort: number;
  readonly port: number;
  readonly client?: ClientOptions;
  /** Records `seconds` from 0.5 s after the stream became active, then writes `wav` and prints WROTE. */
  readonly wav: string;
  readonly seconds: number;
}

/** Pd B: [aoo.receive~ 2 <port> 1 50]. Prints its events (B-EVENT) and status (B-STATUS). */
export function receiverPatch(o: ReceiverOptions): PdPatch {
  const p = new PdPatch();
  const recv = p.obj(`aoo.receive~ 2 ${o.port} 1 50`);
  const lb = p.obj('loadbang');
  p.connect(lb, 0, p.msg(`; aoo-node-port ${o.controlPort}; pd dsp 1`));
  const local = p.msg(`local_latency ${TEST_LOCAL_LATENCY}`);
  p.connect(lb, 0, local).connect(local, 0, recv);
  if (o.client !== undefined) addClient(p, o.port, lb, o.client);
  const recs = [0, 1].map((c) => {
    p.obj(`array define b${c} ${o.seconds * SR}`);
    const rec = p.obj(`tabwrite~ b${c}`);
    p.connect(recv, c, rec);
    return rec;
  });
  // `state <host> <port> <id> 1` (or `state <group> <user> <id> 1`): the stream is active; record once, 0.5 s later.
  const state = p.obj('route state');
  const split = p.obj('list split 3');
  p.connect(recv, 2, state).connect(state, 0, split);
  const active = p.obj('sel 1');
  p.connect(split, 1, active);
  const once = p.obj('spigot 1');
  const go = p.obj('delay 500');
  const t = p.obj('t b b b');
  p.chain(active, once, go, t);
  const close = p.msg('0');
  p.connect(t, 2, close).connect(close, 0, once, 1);
  for (const rec of recs) p.connect(t, 1, rec);
  const write = p.obj(`delay ${o.seconds * 1000 + 100}`);
  p.connect(t, 0, write);
  p.chain(write, p.msg(`write -wave -bytes 4 ${o.wav} b0 b1`), p.obj('soundfiler'), p.obj('print WROTE'));
  p.connect(recv, 2, p.obj('print B-EVENT'));
  p.connect(recv, 3, p.obj('print B-STATUS'));
  return p;
}
