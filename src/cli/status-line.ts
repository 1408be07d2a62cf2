/** The text of the status lines of `send`, `receive` and `demo` (pure). */
import type { SenderState } from './stream-sender.ts';
import type { SinkStatus, SourceStatus } from './stream-status.ts';

const UNKNOWN = '-';

function milliseconds(seconds: number | undefined, digits: number): string {
  return seconds === undefined ? UNKNOWN : `${(seconds * 1000).toFixed(digits)}ms`;
}

function percent(fraction: number | undefined): string {
  return fraction === undefined ? UNKNOWN : `${(fraction * 100).toFixed(1)}%`;
}

function elapsed(seconds: number): string {
  return `${seconds.toFixed(1)}s`;
}

/** "active buf 51ms loss 0.0% drop 0 resent 0 xrun 0 rtt 0.3ms". */
export function sourceFields(s: SourceStatus): string {
  return (
    `${s.state} buf ${milliseconds(s.bufferLatency, 0)} loss ${percent(s.packetLoss)} ` +
    `drop ${s.dropped} resent ${s.resent} xrun ${s.xruns} rtt ${milliseconds(s.roundTrip, 1)}`
  );
}

/** "rtt 0.3ms loss 0.0% resent 0" (resent frames), or "uninvited". */
export function sinkFields(s: SinkStatus): string {
  return s.active ? `rtt ${milliseconds(s.roundTrip, 1)} loss ${percent(s.packetLoss)} resent ${s.resentFrames}` : 'uninvited';
}

/** `receive`: "12.3s 127.0.0.1:50000|1 active buf 51ms … | [::1]:50001|1 buffering …". */
export function receiveStatusLine(seconds: number, sources: ReadonlyMap<string, SourceStatus>): string {
  const parts = [...sources].map(([name, s]) => `${name} ${sourceFields(s)}`);
  return `${elapsed(seconds)} ${parts.length > 0 ? parts.join(' | ') : 'waiting for a source'}`;
}

/** `send`: "12.3s streaming 9216 blocks → 127.0.0.1:9100|1 rtt 0.3ms loss 0.0% resent 0". */
export function sendStatusLine(seconds: number, state: SenderState, blocksSent: number, sinks: ReadonlyMap<string, SinkStatus>): string {
  const parts = [...sinks].map(([name, s]) => `${name} ${sinkFields(s)}`);
  return `${elapsed(seconds)} ${state} ${blocksSent} blocks → ${parts.join(' | ')}`;
}

/** `demo`, one source and one sink in one process: "3.0s sent 2250 blocks | active buf 51ms …". */
export function demoStatusLine(seconds: number, blocksSent: number, received: SourceStatus | undefined): string {
  return `${elapsed(seconds)} sent ${blocksSent} blocks | ${received === undefined ? 'nothing received yet' : sourceFields(received)}`;
}

/** Cuts `text` to fit a terminal line without wrapping (one column spare); an ellipsis marks the cut. */
export function fitToWidth(text: string, columns: number | undefined): string {
  if (columns === undefined || text.length < columns) return text;
  return columns < 2 ? '' : `${text.slice(0, columns - 2)}…`;
}
