import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { parseArgs } from 'node:util';
import { describePacket, describeStreamMessages } from '../protocol/aoo/describe.ts';
import { readCaptureFile } from './capture-file.ts';

/** `aoo-node dump`: one decoded line per AOO message, from a capture file or a UDP port. */
export async function runDump(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      file: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      count: { type: 'string' },
      seconds: { type: 'string' },
    },
  });
  if (values.file !== undefined) return dumpFile(values.file);
  if (values.port !== undefined) {
    const port = parseCount(values.port, 'port');
    const count = values.count === undefined ? Number.POSITIVE_INFINITY : parseCount(values.count, 'count');
    const seconds = values.seconds === undefined ? Number.POSITIVE_INFINITY : Number(values.seconds);
    return dumpPort(port, values.host, count, seconds);
  }
  process.stderr.write('aoo-node dump: give --file CAPTURE or --port P\n');
  return 2;
}

function parseCount(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${what} must be a whole number, got "${text}"`);
  return n;
}

/** The decoded line of one packet, followed by its stream messages. */
export function describeLine(prefix: string, bytes: Uint8Array): string {
  const extra = describeStreamMessages(bytes);
  return `${prefix} ${describePacket(bytes)}${extra.length > 0 ? ' ' + extra.join(' ') : ''}`;
}

function dumpFile(path: string): number {
  const capture = readCaptureFile(path);
  for (const note of capture.notes.filter((n) => n.startsWith('error:'))) process.stdout.write(`capture ${note}\n`);
  const lines = capture.packets.map((p) => {
    const where = p.time !== undefined ? `${p.time.toFixed(6)} ${p.from}->${p.to}` : `${p.transport} ${p.from ?? ''}->${p.to ?? ''}`;
    return describeLine(`#${p.index} ${where} len=${p.bytes.length}`, p.bytes);
  });
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

function dumpPort(port: number, host: string | undefined, count: number, seconds: number): Promise<number> {
  return new Promise((resolve) => {
    const socket = openSocket(host);
    let received = 0;
    const started = performance.now();
    const finish = (code: number) => {
      clearTimeout(timer);
      socket.close();
      resolve(code);
    };
    const timer = Number.isFinite(seconds) ? setTimeout(() => finish(0), seconds * 1000) : undefined;
    socket.on('error', (e) => {
      process.stderr.write(`aoo-node dump: ${e.message}\n`);
      finish(1);
    });
    socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
      const t = ((performance.now() - started) / 1000).toFixed(6);
      process.stdout.write(`${describeLine(`${t} ${formatAddress(rinfo)} len=${msg.length}`, new Uint8Array(msg.buffer, msg.byteOffset, msg.length))}\n`);
      if (++received >= count) finish(0);
    });
    socket.on('listening', () => {
      const a = socket.address();
      process.stderr.write(`listening on ${a.address} port ${a.port}\n`);
    });
    socket.bind(port, host);
    process.once('SIGINT', () => finish(0));
  });
}

/** Dual-stack IPv6 socket when no host is given (IPv4 peers arrive as ::ffff:a.b.c.d). */
function openSocket(host: string | undefined): Socket {
  const ipv4 = host !== undefined && !host.includes(':');
  return createSocket({ type: ipv4 ? 'udp4' : 'udp6', ipv6Only: false });
}

function formatAddress(r: RemoteInfo): string {
  const address = r.address.startsWith('::ffff:') ? r.address.slice(7) : r.address;
  return r.family === 'IPv6' && address.includes(':') ? `[${address}]:${r.port}` : `${address}:${r.port}`;
}
