/** NTP timetags (spec §2.5): upper 32 bits seconds since 1900, lower 32 bits fraction. */
export type NtpTime = bigint;

/** "empty / none". */
export const NTP_EMPTY: NtpTime = 0n;
/** "immediately" (kAooNtpTimeNow). */
export const NTP_IMMEDIATELY: NtpTime = 1n;

const UNIX_TO_NTP_SECONDS = 2208988800;
const TWO_POW_32 = 4294967296;

/** Timetag of a Unix time in milliseconds (e.g. `Date.now()` or `performance.timeOrigin + performance.now()`). */
export function ntpFromUnixMs(ms: number): NtpTime {
  return ntpFromSeconds(ms / 1000 + UNIX_TO_NTP_SECONDS);
}

/** Timetag of seconds since 1900: integer part → high word, fraction × 2^32 → low word (truncated). */
export function ntpFromSeconds(seconds: number): NtpTime {
  const whole = Math.floor(seconds);
  const frac = Math.floor((seconds - whole) * TWO_POW_32);
  return (BigInt(whole >>> 0) << 32n) | BigInt(frac >>> 0);
}

/** Seconds since 1900 (double precision: ~0.5 µs resolution in this era). */
export function ntpToSeconds(t: NtpTime): number {
  return Number(t >> 32n) + Number(t & 0xffffffffn) / TWO_POW_32;
}

export function ntpToUnixMs(t: NtpTime): number {
  return (ntpToSeconds(t) - UNIX_TO_NTP_SECONDS) * 1000;
}

/** t2 − t1 in seconds (signed 64-bit difference). */
export function ntpDuration(t1: NtpTime, t2: NtpTime): number {
  return Number(BigInt.asIntN(64, t2 - t1)) / TWO_POW_32;
}

/** t + seconds. */
export function ntpAdd(t: NtpTime, seconds: number): NtpTime {
  return BigInt.asUintN(64, t + BigInt(Math.round(seconds * TWO_POW_32)));
}

/** "3923472000.a1b2c3d4": seconds and hex fraction, as the capture files write timetags. */
export function formatNtp(t: NtpTime): string {
  return `${t >> 32n}.${(t & 0xffffffffn).toString(16).padStart(8, '0')}`;
}
