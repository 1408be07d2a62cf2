/** Runs nat-probe.ts: a reflector in the public namespace and a prober in a home behind a NAT. */
import { fileURLToPath } from 'node:url';
import { JsonLinesChild } from './json-lines-child.ts';
import type { NatProbeResult } from './nat-probe.ts';
import { SERVER_IP, runIn } from './nat-world.ts';

const NAT_PROBE = fileURLToPath(new URL('nat-probe.ts', import.meta.url));
/** Reflector ports on the server's address; the AOO server uses another. */
const PORTS = '7001,7002,7003';
const START_MS = 20000;

function natProbe<Line>(name: string, ns: string, role: 'reflect' | 'probe'): JsonLinesChild<Line> {
  return new JsonLinesChild(name, [...runIn(ns), process.execPath, '--import', 'tsx', NAT_PROBE, role, '--host', SERVER_IP, '--ports', PORTS], 'stdout');
}

/** How the NAT between `home` and the public namespace maps and filters. */
export async function probeNat(publicNs: string, home: string): Promise<NatProbeResult> {
  const reflector = natProbe<{ readonly ready: boolean }>('nat-probe reflector', publicNs, 'reflect');
  try {
    await reflector.waitFor((l) => l.ready, 'ready', START_MS);
    const prober = natProbe<NatProbeResult>('nat-probe prober', home, 'probe');
    try {
      return await prober.waitFor(() => true, 'a result', START_MS);
    } finally {
      await prober.stop();
    }
  } finally {
    await reflector.stop();
  }
}
