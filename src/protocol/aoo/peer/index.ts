import type { BinaryMessageCodec, OscMessageCodec } from '../message-codec.ts';
import { type PeerAck, peerAckBinary, peerAckOsc } from './ack.ts';
import { type PeerMessageFrame, peerMessageBinary, peerMessageOsc } from './msg.ts';
import { type PeerPing, type PeerPong, peerPing, peerPong } from './ping.ts';

/** Messages between peers (`/aoo/peer/…`, binary type 0x84; UDP, direct or relayed). */
export type PeerMessage = PeerPing | PeerPong | PeerMessageFrame | PeerAck;

export const peerOscCodecs: readonly OscMessageCodec<PeerMessage>[] = [peerPing, peerPong, peerMessageOsc, peerAckOsc] as OscMessageCodec<PeerMessage>[];
export const peerBinaryCodecs: readonly BinaryMessageCodec<PeerMessage>[] = [peerMessageBinary, peerAckBinary] as BinaryMessageCodec<PeerMessage>[];
