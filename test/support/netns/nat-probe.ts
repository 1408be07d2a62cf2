/**
 * Shows what kind of NAT is between a home and the public network, the way STUN does (RFC
 * 4787 §4, §5), in two processes: a reflector on three public ports, and a prober at home
 * that sends from one socket.
 *
 *   nat-probe.ts reflect --host 203.0.113.1 --ports 7001,7002,7003    prints {"ready":true}
 *   nat-probe.ts probe --host 203.0.113.1 --ports 7001,7002,7003      prints one NatProbeResult
 *
 * The prober sends "map" to the first two ports, which answer with the address they saw it
 * at (its mapping per destination). Then it sends "knock" to the first port, which answers
 * "contacted" itself and has the third port, never contacted, send "stranger": only a NAT
 * without address-and-port-dependent filtering lets the stranger in.
 */
import { type Socket, createSocket } from 'node:dgram';
import { parseArgs } from 'node:util';

export interface NatProbeResult {
  readonly localPort: number;
  /** "ip:port" the first and the second port saw the prober at. */
  readonly mapped: readonly string[];
  /** The answers to "knock" that got through, in order: "contacted", "stranger". */
  readonly knockAnswers: readonly string[];
}

const RESEND_MS = 200;
const MAP_TIMEOUT_MS = 3000;
const KNOCK_WAIT_MS = 500;
const LIFETIME_MS = 30000;

function bound(port: number, host: string | undefined): Promise<Socket> {
  const socket = createSocket('udp4');
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => resolve(socket));
  });
}

async function reflect(host: string, ports: readonly number[]): Promise<void> {
  const sockets = await Promise.all(ports.map((p) => bound(p, host)));
  const stranger = sockets[sockets.length - 1]!;
  for (const s of sockets) {
    s.on('message', (m, from) => {
      const text = m.toString();
      if (text === 'map') s.send(`${from.address}:${from.port}`, from.port, from.address);
      if (text === 'knock') {
        stranger.send('stranger', from.port, from.address);
        s.send('contacted', from.port, from.address);
      }
    });
  }
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
}

async function probe(host: string, ports: readonly number[]): Promise<void> {
  const socket = await bound(0, undefined);
  const mapped: (string | undefined)[] = [undefined, undefined];
  const knockAnswers: string[] = [];
  socket.on('message', (m, from) => {
    const index = ports.indexOf(from.port);
    if (index === 0 || index === 1) mapped[index] ??= m.toString();
    if (m.toString() === 'contacted' || m.toString() === 'stranger') knockAnswers.push(m.toString());
  });
  const deadline = Date.now() + MAP_TIMEOUT_MS;
  while (mapped.some((m) => m === undefined) && Date.now() < deadline) {
    for (const p of ports.slice(0, 2)) socket.send('map', p, host);
    await new Promise((resolve) => setTimeout(resolve, RESEND_MS));
  }
  socket.send('knock', ports[0]!, host);
  await new Promise((resolve) => setTimeout(resolve, KNOCK_WAIT_MS));
  const result: NatProbeResult = { localPort: socket.address().port, mapped: mapped.map((m) => m ?? 'none'), knockAnswers };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  socket.close();
}

const { positionals, values } = parseArgs({ allowPositionals: true, options: { host: { type: 'string' }, ports: { type: 'string' } } });
const ports = (values.ports ?? '').split(',').map(Number);
const role = positionals[0];
if ((role !== 'reflect' && role !== 'probe') || values.host === undefined || ports.length !== 3 || !ports.every((p) => Number.isInteger(p) && p > 0 && p < 65536)) {
  process.stderr.write('nat-probe: give reflect|probe --host IP --ports P1,P2,P3\n');
  process.exit(2);
}
if (role === 'reflect') {
  await reflect(values.host, ports);
  setTimeout(() => process.exit(0), LIFETIME_MS);
} else await probe(values.host, ports);
