/** Child process of the binding test: prints which path the binding took and a tone round trip, as JSON. */
import { opusZeroCopy } from '../../src/codec/opus-binding.ts';
import { toneRoundTrip } from './opus-tone-round-trip.ts';

process.stdout.write(JSON.stringify({ zeroCopy: opusZeroCopy, ...toneRoundTrip() }));
