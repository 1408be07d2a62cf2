/** The room options of `send` and `receive`: --server, --group, --user and the three passwords. */
import { parseHostPort } from '../net/address.ts';
import type { JoinParams } from '../net/client/group-directory.ts';
import { UsageError } from './stream-clock.ts';

/** For parseArgs, next to a command's own options. */
export const ROOM_ARGS = {
  server: { type: 'string' },
  group: { type: 'string' },
  user: { type: 'string' },
  'group-password': { type: 'string' },
  'user-password': { type: 'string' },
  password: { type: 'string' },
} as const;

type RoomArg = keyof typeof ROOM_ARGS;

/** Where to log in, and which group to join as whom. */
export interface RoomOptions {
  readonly server: { readonly host: string; readonly port: number };
  /** The server's password; "" = none. */
  readonly password: string;
  readonly join: JoinParams;
}

/** The room the arguments name; null without --server (then no other room option may be given). */
export function parseRoomOptions(values: Partial<Record<RoomArg, string>>): RoomOptions | null {
  if (values.server === undefined) {
    const stray = (Object.keys(ROOM_ARGS) as RoomArg[]).find((k) => values[k] !== undefined);
    if (stray !== undefined) throw new UsageError(`--${stray} needs --server HOST:PORT`);
    return null;
  }
  const server = parseHostPort(values.server);
  if (server === undefined) throw new UsageError(`--server must be HOST:PORT (e.g. 127.0.0.1:7078 or [::1]:7078), got "${values.server}"`);
  const { group, user } = values;
  if (group === undefined || user === undefined) throw new UsageError('--server needs --group NAME and --user NAME');
  if (group === '' || user === '') throw new UsageError('--group and --user must not be empty');
  return {
    server,
    password: values.password ?? '',
    join: { group, user, groupPassword: values['group-password'] ?? '', userPassword: values['user-password'] ?? '' },
  };
}
