/** Room events as JSON (`receive`'s output lines) or as text (`send`'s stderr), and AOO data as JSON. */
import { type UdpAddress, formatAddress } from '../net/address.ts';
import type { PeerInfo } from '../net/client/events.ts';
import { DataType, dataTypeName } from '../protocol/aoo/constants.ts';
import type { AooData } from '../protocol/aoo/data.ts';
import { ntpToSeconds } from '../protocol/ntp.ts';
import type { RoomEvent } from './room.ts';

const TEXT_TYPES: ReadonlySet<number> = new Set([DataType.Text, DataType.Json, DataType.Fudi, DataType.Xml]);

/** Data of a text type as text, anything else as hex. */
export function dataJson(type: number, bytes: Uint8Array): string {
  return TEXT_TYPES.has(type) ? new TextDecoder().decode(bytes) : Buffer.from(bytes).toString('hex');
}

function data(d: AooData): Record<string, unknown> {
  return { type: dataTypeName(d.type), data: dataJson(d.type, d.bytes) };
}

function peer(p: PeerInfo): Record<string, unknown> {
  return { group: p.groupName, user: p.userName };
}

function address(a: UdpAddress | null): string | null {
  return a === null ? null : formatAddress(a);
}

/** {"event":"peer_join","group":"band","user":"ann","address":"192.0.2.1:50000","relay":null}, … */
export function roomEventJson(e: RoomEvent): Record<string, unknown> {
  switch (e.type) {
    case 'Disconnect':
      return { event: 'disconnect', code: e.code, message: e.message };
    case 'Notification':
      return { event: 'notification', ...data(e.data) };
    case 'GroupEject':
      return { event: 'group_eject', group: e.group.groupName };
    case 'GroupUpdate':
      return { event: 'group_update', group: e.group.groupName, user_id: e.userId, ...data(e.metadata) };
    case 'UserUpdate':
      return { event: 'user_update', group: e.group.groupName, ...data(e.metadata) };
    case 'PeerHandshake':
      return { event: 'peer_handshake', ...peer(e.peer) };
    case 'PeerTimeout':
      return { event: 'peer_timeout', ...peer(e.peer) };
    case 'PeerJoin':
      return { event: 'peer_join', ...peer(e.peer), address: address(e.peer.address), relay: address(e.peer.relay) };
    case 'PeerLeave':
      return { event: 'peer_leave', ...peer(e.peer) };
    case 'PeerState':
      return { event: 'peer_state', ...peer(e.peer), active: e.active };
    case 'PeerPing':
      return { event: 'peer_ping', ...peer(e.peer), rtt_ms: Number((e.rtt * 1000).toFixed(3)) };
    case 'PeerMessage':
      return { event: 'peer_message', ...peer(e.peer), timestamp: e.timestamp === null ? null : ntpToSeconds(e.timestamp), ...data(e.data) };
    case 'PeerUpdate':
      return { event: 'peer_update', ...peer(e.peer), ...data(e.metadata) };
    case 'InputDropped':
      return { event: 'input_dropped', reason: e.reason, detail: e.detail };
  }
}

/** `peer_join group="band" user="ann" address="192.0.2.1:50000" relay=null`. */
export function roomEventText(e: RoomEvent): string {
  const { event, ...fields } = roomEventJson(e);
  return [event, ...Object.entries(fields).map(([k, v]) => `${k}=${JSON.stringify(v)}`)].join(' ');
}
