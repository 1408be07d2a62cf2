/** A client's session: login (spec §11.4) and removal. */
import { AOO_VERSION, AooErrorCode } from '../../protocol/aoo/constants.ts';
import type { ServerLogin } from '../../protocol/aoo/server/login.ts';
import { checkVersion } from '../../protocol/aoo/version.ts';
import { formatAddress } from '../address.ts';
import type { ClientConnection } from './client-connection.ts';
import type { ServerContext } from './context.ts';
import { removeMember, requestError } from './groups.ts';
import { passwordMatches } from '../password.ts';

function loginRefusal(ctx: ServerContext, m: ServerLogin): AooErrorCode | null {
  const version = checkVersion(m.version);
  if (version === 'bad-format') return AooErrorCode.BadFormat;
  if (version === 'not-supported') return AooErrorCode.VersionNotSupported;
  return passwordMatches(ctx.settings.passwordHash, m.password) ? null : AooErrorCode.WrongPassword;
}

/** `/aoo/server/login`. A refused login is answered, then the connection is closed. */
export function login(ctx: ServerContext, client: ClientConnection, m: ServerLogin): void {
  if (client.login !== null) {
    ctx.outbox.send(client.id, { kind: 'client/login', token: m.token, result: requestError(AooErrorCode.AlreadyConnected) });
    return;
  }
  const refusal = loginRefusal(ctx, m);
  const remote = formatAddress(client.remote);
  ctx.outbox.event({ type: 'ClientLogin', clientId: client.id, remote, error: refusal ?? 0, version: m.version, metadata: m.metadata });
  if (refusal !== null) {
    ctx.outbox.send(client.id, { kind: 'client/login', token: m.token, result: requestError(refusal) });
    closeClient(ctx, client, refusal, 'login refused');
    return;
  }
  client.login = { version: m.version, metadata: m.metadata, addresses: m.addresses };
  ctx.addresses.add(client.id, m.addresses);
  ctx.outbox.send(client.id, { kind: 'client/login', token: m.token, result: { ok: true, version: AOO_VERSION, clientId: client.id, flags: 0, metadata: null } });
}

/**
 * Forgets `client`: it leaves its groups (the other members are told), the wrapper is asked
 * to close the connection, and a logged-in client's logout is reported with `code`.
 */
export function closeClient(ctx: ServerContext, client: ClientConnection, code: number, reason: string): void {
  for (const [groupId, user] of client.memberships) removeMember(ctx, client, ctx.groups.get(groupId)!, user);
  ctx.clients.delete(client.id);
  ctx.outbox.close(client.id);
  if (client.login === null) return;
  ctx.addresses.remove(client.id, client.login.addresses);
  ctx.outbox.event({ type: 'ClientLogout', clientId: client.id, errorCode: code, errorMessage: reason });
}
