/** What `aoo-node demo` concludes from what its sink played (pure). */
import type { SinkStatus, SourceStatus } from './stream-status.ts';
import { dominantFrequency, soundingRange } from './tone-analysis.ts';

export interface DemoOutcome {
  /** Tone of each channel sent, Hz. */
  readonly tones: readonly number[];
  readonly sampleRate: number;
  /** What the sink played, per channel. */
  readonly played: readonly Float32Array[];
  /** The sink's view of the source; undefined if nothing arrived. */
  readonly source: SourceStatus | undefined;
  /** The source's view of the sink. */
  readonly sink: SinkStatus | undefined;
  /** Why the sink rejected the stream (an Error event), if it did. */
  readonly error: string | undefined;
}

export interface DemoSummary {
  readonly lines: readonly string[];
  /** Why the demo failed; undefined when the sink played every tone. */
  readonly failure: string | undefined;
}

/** The sent tones have amplitude 0.5: louder than this is the tone, not a codec's fade or noise. */
const SOUNDING = 0.25;
/** Seconds in the middle of the sound where the frequency is measured. */
const MEASURE_SECONDS = 1;
/** How far a measured frequency may be from the sent one. */
const TOLERANCE_HZ = 1;
/** Frequencies searched. */
const LOWEST_HZ = 20;
const HIGHEST_HZ = 4000;

export function summarizeDemo(o: DemoOutcome): DemoSummary {
  if (o.error !== undefined) return { lines: [], failure: `the sink rejected the stream: ${o.error}` };
  if (o.source === undefined) return { lines: [], failure: 'nothing arrived at the sink' };
  const lines: string[] = [];
  const failures: string[] = [];
  let first = Number.POSITIVE_INFINITY;
  let last = -1;
  o.tones.forEach((tone, c) => {
    const x = o.played[c] ?? new Float32Array(0);
    const range = soundingRange(x, SOUNDING);
    if (range === undefined) {
      lines.push(`  channel ${c + 1}: silence (sent ${tone} Hz)`);
      failures.push(`channel ${c + 1} played silence`);
      return;
    }
    first = Math.min(first, range.first);
    last = Math.max(last, range.last);
    const n = Math.min(range.last + 1 - range.first, Math.round(MEASURE_SECONDS * o.sampleRate));
    const from = range.first + Math.floor((range.last + 1 - range.first - n) / 2);
    const measured = dominantFrequency(x.subarray(from, from + n), o.sampleRate, LOWEST_HZ, HIGHEST_HZ);
    lines.push(`  channel ${c + 1}: ${measured.toFixed(1)} Hz (sent ${tone} Hz)`);
    if (Math.abs(measured - tone) > TOLERANCE_HZ) failures.push(`channel ${c + 1} played ${measured.toFixed(1)} Hz instead of ${tone} Hz`);
  });
  const s = o.source;
  const sound = last >= 0 ? (last + 1 - first) / o.sampleRate : 0;
  const roundTrip = s.roundTrip === undefined ? '' : `, round trip ${(s.roundTrip * 1000).toFixed(2)} ms`;
  return {
    lines: [
      `the sink played ${sound.toFixed(2)} s of sound:`,
      ...lines,
      `  dropped blocks ${s.dropped}, resent blocks ${s.resent}, xruns ${s.xruns}, frames resent by the source ${o.sink?.resentFrames ?? 0}${roundTrip}`,
    ],
    failure: failures.length > 0 ? failures.join('; ') : undefined,
  };
}
