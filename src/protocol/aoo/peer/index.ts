import type { BinaryMessageCodec, OscMessageCodec } from '../message-codec.ts';

/** Placeholder until the peer messages are written. */
export type PeerMessage = { readonly kind: 'peer/none' };

export const peerOscCodecs: readonly OscMessageCodec<PeerMessage>[] = [];
export const peerBinaryCodecs: readonly BinaryMessageCodec<PeerMessage>[] = [];
