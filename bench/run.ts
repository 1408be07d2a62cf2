/**
 * `npm run bench`: prints speed and quality figures (medians, ratios). Nothing here is a
 * pass/fail check; compare the figures with the targets in the README.
 * `npm run bench -- protocol codec` runs only the named groups.
 */
import { existsSync } from 'node:fs';

const groups: Record<string, () => Promise<void>> = {
  protocol: async () => (await import('./protocol.ts')).benchProtocol(),
};
if (existsSync(new URL('./codec.ts', import.meta.url))) groups.codec = async () => (await import('./codec.ts')).benchCodec();
if (existsSync(new URL('./dsp.ts', import.meta.url))) groups.dsp = async () => (await import('./dsp.ts')).benchDsp();
if (existsSync(new URL('./server.ts', import.meta.url))) groups.server = async () => (await import('./server.ts')).benchServer();
if (existsSync(new URL('./stream.ts', import.meta.url))) groups.stream = async () => (await import('./stream.ts')).benchStream();
if (existsSync(new URL('./streams-per-core.ts', import.meta.url))) groups['streams-per-core'] = async () => (await import('./streams-per-core.ts')).benchStreamsPerCore();
if (existsSync(new URL('./fanout.ts', import.meta.url))) groups.fanout = async () => (await import('./fanout.ts')).benchFanout();
if (existsSync(new URL('./pd.ts', import.meta.url))) groups.pd = async () => (await import('./pd.ts')).benchPd();

const wanted = process.argv.slice(2);
console.log(`aoo-node bench — node ${process.version}, ${new Date().toISOString()}`);
for (const [name, run] of Object.entries(groups)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  await run();
}
