import { type NtpTime, ntpDuration } from '../protocol/ntp.ts';

/**
 * `<delta1> <delta2> <network_rtt> <total_rtt>` of a ping event (wire spec §12), in ms:
 * delta1 = t2 − t1, delta2 = t4 − t3, total = t4 − t1, network = total − (t3 − t2).
 */
export function pingAtoms(t1: NtpTime, t2: NtpTime, t3: NtpTime, t4: NtpTime): number[] {
  const ms = (a: NtpTime, b: NtpTime) => ntpDuration(a, b) * 1000;
  const total = ms(t1, t4);
  return [ms(t1, t2), ms(t3, t4), total - ms(t2, t3), total];
}
