/**
 * Reader for the capture files in shared/aoo/vectors (golden vectors, `aoo-node dump --file`).
 *
 * Three line formats, possibly mixed with free-text lines (kept as notes):
 * - `=== <who> ... -> [port] P (N bytes)` followed by hexdump lines `0000: 2f 61 ...  |/a..|`
 * - live one-liners `0.000017 9101->9100 src->sink len=N <decoded> hex=<2N hex digits>`
 * - TCP `S->C1 len=N <decoded>` followed by `   hex: <prefix><payload>`; N is the payload
 *   length, i.e. equal to the 4-byte prefix and 4 less than the hex bytes.
 */
import { readFileSync } from 'node:fs';

export interface CapturedPacket {
  readonly index: number;
  readonly transport: 'udp' | 'tcp';
  readonly label: string;
  readonly from?: string;
  readonly to?: string;
  readonly time?: number;
  /** The datagram, or for TCP the frame without its 4-byte length prefix. */
  readonly bytes: Uint8Array;
  /** TCP only: the frame as it was on the wire, prefix included. */
  readonly framed?: Uint8Array;
  readonly summary?: string;
}

export interface CaptureFile {
  packets: CapturedPacket[];
  /** Non-packet lines in order; problems with the capture itself start with "error:". */
  notes: string[];
}

const DUMP_HEADER = /^=== (.*) \((\d+) bytes\)$/;
const DUMP_LINE = /^([0-9a-fA-F]{4,8}): /;
const LIVE_PREFIX = /^\d+(?:\.\d+)? \S+->\S+ /;
const LIVE_LINE = /^((\d+(?:\.\d+)?) (\S+)->(\S+) \S+->\S+ len=(\d+))(?: (.*?))? hex=(\S*)$/;
const TCP_LINE = /^(\S+)->(\S+) len=(\d+)(?: (.*))?$/;
const TCP_HEX = /^\s+hex: (\S*)$/;
// The reference tools' stderr (`[aoo][warning] ...`) sometimes lands in the middle of a stdout line.
const STDERR_MARK = '[aoo][';
const SPLICEABLE = /^(?:={1,3}(?: |$)|[0-9a-fA-F]{1,8}(?::|$))/;

interface OpenDump {
  label: string;
  ends: { from?: string; to?: string };
  expected: number;
  bytes: number[];
  line: number;
  error?: string;
}

export function readCaptureFile(path: string | URL): CaptureFile {
  return parseCaptureText(readFileSync(path, 'utf8'));
}

export function parseCaptureText(text: string): CaptureFile {
  const packets: CapturedPacket[] = [];
  const notes: string[] = [];
  const lines = text.split(/\r?\n/);
  let dump: OpenDump | undefined;

  const add = (p: Omit<CapturedPacket, 'index'>): void => {
    packets.push({ index: packets.length, ...p });
  };
  const closeDump = (): void => {
    if (!dump) return;
    const d = dump;
    dump = undefined;
    if (d.error === undefined && d.bytes.length !== d.expected) {
      d.error = `header says ${d.expected} bytes, hexdump has ${d.bytes.length}`;
    }
    if (d.error !== undefined) {
      notes.push(`error: line ${d.line}: ${d.label}: ${d.error}`);
      return;
    }
    add({ transport: 'udp', label: d.label, ...d.ends, bytes: Uint8Array.from(d.bytes) });
  };

  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    const lineNo = i + 1;
    const mark = line.indexOf(STDERR_MARK);
    if (mark > 0 && i + 1 < lines.length && SPLICEABLE.test(line.slice(0, mark))) {
      notes.push(line.slice(mark));
      line = line.slice(0, mark) + lines[++i]!;
    }

    if (dump) {
      const m = DUMP_LINE.exec(line);
      if (m) {
        if (dump.error === undefined) dump.error = readDumpLine(line, m[0].length, Number.parseInt(m[1]!, 16), dump.bytes);
        continue;
      }
      closeDump();
    }
    if (line.trim() === '') continue;

    let m = DUMP_HEADER.exec(line);
    if (m) {
      dump = { ends: dumpEnds(m[1]!), label: line.slice(4), expected: Number(m[2]), bytes: [], line: lineNo };
      continue;
    }
    if (LIVE_PREFIX.test(line)) {
      const r = parseLiveLine(line);
      if (typeof r === 'string') notes.push(`error: line ${lineNo}: ${r}`);
      else add(r);
      continue;
    }
    m = TCP_LINE.exec(line);
    if (m) {
      const hex = TCP_HEX.exec(lines[i + 1] ?? '');
      if (hex) i++;
      const r = hex ? tcpFrame(m, hex[1]!) : 'TCP line without a following "hex:" line';
      if (typeof r === 'string') notes.push(`error: line ${lineNo}: ${r}`);
      else add(r);
      continue;
    }
    if (DUMP_LINE.test(line) || TCP_HEX.test(line)) {
      notes.push(`error: line ${lineNo}: hex data without a packet header`);
      continue;
    }
    notes.push(line);
  }
  closeDump();
  return { packets, notes };
}

/** `source block 0 #1 -> port 9000` → from "source", to "9000"; `UDP #1 20001 -> 17000` → both ports. */
function dumpEnds(head: string): { from?: string; to?: string } {
  const arrow = /^(.*) -> (?:port )?(\S+)$/.exec(head);
  if (!arrow) return {};
  const udp = /^UDP #\d+ (\S+)$/.exec(arrow[1]!);
  const from = udp ? udp[1]! : arrow[1]!.split(' ')[0]!;
  return from ? { from, to: arrow[2]! } : { to: arrow[2]! };
}

/** Appends the line's hex bytes (up to 16, ending at a double space or '|'); returns an error text. */
function readDumpLine(line: string, start: number, offset: number, out: number[]): string | undefined {
  if (offset !== out.length) return `hexdump offset ${offset.toString(16)} where ${out.length.toString(16)} was expected`;
  let p = start;
  let n = 0;
  while (p < line.length && line[p] !== ' ' && line[p] !== '|') {
    const byte = hexByte(line, p);
    if (byte < 0 || (p + 2 < line.length && line[p + 2] !== ' ')) return `bad hex at column ${p + 1}`;
    out.push(byte);
    p += 3;
    if (++n > 16) return 'more than 16 bytes on a hexdump line';
  }
  return n === 0 ? 'empty hexdump line' : undefined;
}

function hexByte(s: string, p: number): number {
  const hi = hexDigit(s.charCodeAt(p));
  const lo = hexDigit(s.charCodeAt(p + 1));
  return hi < 0 || lo < 0 ? -1 : (hi << 4) | lo;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

/** Decodes a whole hex string; undefined if it has an odd length or a non-hex character. */
function decodeHex(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0) return undefined;
  const out = new Uint8Array(hex.length / 2);
  // Buffer#write stops at the first invalid pair, so a short count means bad hex.
  const written = Buffer.from(out.buffer, out.byteOffset, out.length).write(hex, 'hex');
  return written === out.length ? out : undefined;
}

function parseLiveLine(line: string): Omit<CapturedPacket, 'index'> | string {
  const m = LIVE_LINE.exec(line);
  if (!m) return 'live line without "len=N ... hex=..."';
  const len = Number(m[5]);
  const bytes = decodeHex(m[7]!);
  if (!bytes) return `${m[1]}: bad hex`;
  if (bytes.length !== len) return `${m[1]}: len=${len} but hex has ${bytes.length} bytes`;
  return {
    transport: 'udp',
    label: m[1]!,
    from: m[3]!,
    to: m[4]!,
    time: Number(m[2]),
    bytes,
    summary: m[6] ?? '',
  };
}

function tcpFrame(m: RegExpExecArray, hex: string): Omit<CapturedPacket, 'index'> | string {
  const label = m[0];
  const len = Number(m[3]);
  const framed = decodeHex(hex);
  if (!framed) return `${label}: bad hex`;
  if (framed.length < 4) return `${label}: frame shorter than its length prefix`;
  const prefix = new DataView(framed.buffer, framed.byteOffset, 4).getUint32(0);
  if (prefix !== len || framed.length !== len + 4) {
    return `${label}: len=${len}, prefix ${prefix}, ${framed.length - 4} bytes after the prefix`;
  }
  return { transport: 'tcp', label, from: m[1]!, to: m[2]!, bytes: framed.slice(4), framed, summary: m[4] ?? '' };
}
