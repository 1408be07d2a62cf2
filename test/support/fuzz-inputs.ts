import type { Random } from '../../src/util/random.ts';

/**
 * Fuzz inputs derived from real packets: bit flips, byte overwrites with boundary values,
 * truncations, extensions, splices of two packets, and plain random bytes.
 */
export function* fuzzInputs(seeds: readonly Uint8Array[], rnd: Random, count: number): Generator<Uint8Array> {
  const pick = (n: number) => Math.floor(rnd() * n);
  const special = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x2f, 0x2c, 0x4e, 0x62, 0x73];
  for (let k = 0; k < count; k++) {
    const seed = seeds[pick(seeds.length)]!;
    const mode = pick(7);
    let b: Uint8Array;
    switch (mode) {
      case 0: {
        b = seed.slice();
        for (let i = 1 + pick(4); i > 0 && b.length > 0; i--) b[pick(b.length)]! ^= 1 << pick(8);
        break;
      }
      case 1: {
        b = seed.slice();
        for (let i = 1 + pick(4); i > 0 && b.length > 0; i--) b[pick(b.length)] = special[pick(special.length)]!;
        break;
      }
      case 2:
        b = seed.slice(0, pick(seed.length + 1));
        break;
      case 3: {
        b = new Uint8Array(seed.length + 1 + pick(64));
        b.set(seed);
        for (let i = seed.length; i < b.length; i++) b[i] = pick(256);
        break;
      }
      case 4: {
        const other = seeds[pick(seeds.length)]!;
        const cut = pick(seed.length + 1);
        const from = pick(other.length + 1);
        b = new Uint8Array(cut + other.length - from);
        b.set(seed.subarray(0, cut));
        b.set(other.subarray(from), cut);
        break;
      }
      case 5: {
        // a 4-byte size or count field somewhere set to a huge or negative value
        b = seed.slice();
        if (b.length >= 4) {
          const at = pick(b.length - 3) & ~3;
          const v = [0x7fffffff, 0xffffffff, 0x80000000, 0x0000ffff][pick(4)]!;
          new DataView(b.buffer).setUint32(at, v);
        }
        break;
      }
      default: {
        b = new Uint8Array(pick(600));
        for (let i = 0; i < b.length; i++) b[i] = pick(256);
        if (b.length > 0 && rnd() < 0.5) b[0] = rnd() < 0.5 ? 0x2f : 0x80 | pick(6);
      }
    }
    yield b;
  }
}
