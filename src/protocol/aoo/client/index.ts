import type { BinaryMessageCodec, OscMessageCodec } from '../message-codec.ts';

/** Placeholder until the client messages are written. */
export type ClientMessage = { readonly kind: 'client/none' };

export const clientOscCodecs: readonly OscMessageCodec<ClientMessage>[] = [];
export const clientBinaryCodecs: readonly BinaryMessageCodec<ClientMessage>[] = [];
