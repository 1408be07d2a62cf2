/** Version compatibility check of spec §2.4: "major.minor…", major must be 2. */
export type VersionCheck = 'ok' | 'bad-format' | 'not-supported';

export function checkVersion(version: string): VersionCheck {
  const m = /^(-?\d+)\.(-?\d+)/.exec(version);
  if (m === null) return 'bad-format';
  return Number(m[1]) === 2 ? 'ok' : 'not-supported';
}
