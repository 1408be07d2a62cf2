import type { AooData } from '../../protocol/aoo/data.ts';

/** Server events of spec §8 (values 1011–1019), as the core reports them. */
export type ServerEvent =
  /** A login attempt; `error` 0 = success, else the code sent back. `remote` ("ip:port" of the TCP peer) is ours, not the spec's. */
  | {
      readonly type: 'ClientLogin';
      readonly clientId: number;
      readonly remote: string;
      readonly error: number;
      readonly version: string;
      readonly metadata: AooData | null;
    }
  /** A logged-in client is gone: `errorCode` 0 = it closed the connection. */
  | { readonly type: 'ClientLogout'; readonly clientId: number; readonly errorCode: number; readonly errorMessage: string }
  | { readonly type: 'GroupAdd'; readonly groupId: number; readonly flags: number; readonly name: string; readonly metadata: AooData | null }
  | { readonly type: 'GroupRemove'; readonly groupId: number; readonly name: string }
  | {
      readonly type: 'GroupJoin';
      readonly groupId: number;
      readonly userId: number;
      readonly groupName: string;
      readonly userName: string;
      readonly clientId: number;
      readonly userFlags: number;
      readonly userMetadata: AooData | null;
    }
  | { readonly type: 'GroupLeave'; readonly groupId: number; readonly userId: number; readonly groupName: string; readonly userName: string }
  /** Group metadata changed by a member (`userId`). */
  | { readonly type: 'GroupUpdate'; readonly groupId: number; readonly userId: number; readonly metadata: AooData }
  /** A member changed its own user metadata. */
  | { readonly type: 'UserUpdate'; readonly groupId: number; readonly userId: number; readonly metadata: AooData };

export type LogLevel = 'info' | 'warn' | 'error';
export type LogValue = string | number | boolean | null;

/** A structured log line. Never carries a password or a password hash. */
export interface LogRecord {
  readonly level: LogLevel;
  /** A fixed kebab-case name, e.g. "tcp-frame-error". */
  readonly message: string;
  readonly fields: Readonly<Record<string, LogValue>>;
}
