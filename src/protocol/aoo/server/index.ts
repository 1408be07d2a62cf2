import type { BinaryMessageCodec, OscMessageCodec } from '../message-codec.ts';

/** Placeholder until the server messages are written. */
export type ServerMessage = { readonly kind: 'server/none' };

export const serverOscCodecs: readonly OscMessageCodec<ServerMessage>[] = [];
export const serverBinaryCodecs: readonly BinaryMessageCodec<ServerMessage>[] = [];
