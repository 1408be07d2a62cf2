import type { ClientLogin } from '../../protocol/aoo/client/login.ts';
import type { RequestError } from '../../protocol/aoo/client/reply.ts';
import { AOO_VERSION, AooErrorCode } from '../../protocol/aoo/constants.ts';
import type { AooData, IpEndpoint } from '../../protocol/aoo/data.ts';
import { checkVersion } from '../../protocol/aoo/version.ts';
import type { UdpAddress } from '../address.ts';
import { ipEndpointOf, udpAddressOf } from './addresses.ts';
import type { ClientResponse } from './events.ts';
import type { Outbox } from './outbox.ts';
import { hashPassword } from '../password.ts';
import { PingTimer } from '../ping-timer.ts';
import { ClientErrorCode, requestError } from './requests.ts';
import { CONNECT_TIMEOUT, QUERY_INTERVAL, REQUEST_TIMEOUT, SERVER_PING, UDP_KEEPALIVE_INTERVAL } from './timing.ts';

/** What `connect` needs. */
export interface ConnectParams {
  /** The server's numeric address (the I/O layer resolves host names). */
  readonly server: UdpAddress;
  /** Plain text; sent hashed (spec §11.4). */
  readonly password?: string;
  readonly metadata?: AooData | null;
  /** Our UDP addresses announced before the public one: local IPv4, global IPv6 (spec §11.4). */
  readonly localAddresses?: readonly UdpAddress[];
  /** Addresses the user adds, announced after the public one. */
  readonly extraAddresses?: readonly UdpAddress[];
  /** Seconds allowed for the UDP address query and for opening TCP; default 5. */
  readonly timeout?: number;
}

/** A live connection: who we are to the server. */
export interface Connection {
  readonly server: UdpAddress;
  readonly clientId: number;
  /** Our address as the server sees it. */
  readonly publicAddress: UdpAddress;
  /** The addresses we announced at login, in order. */
  readonly addresses: readonly UdpAddress[];
}

/** The parameters with the server address canonical and the timeout decided. */
type Attempt = ConnectParams & { readonly timeout: number };

type SessionState =
  | { readonly phase: 'disconnected' }
  | { readonly phase: 'querying'; readonly token: number; readonly params: Attempt; readonly deadline: number; nextQuery: number }
  | { readonly phase: 'opening'; readonly token: number; readonly params: Attempt; readonly publicAddress: UdpAddress; readonly deadline: number }
  | {
      readonly phase: 'logging-in';
      readonly token: number;
      readonly params: Attempt;
      readonly publicAddress: UdpAddress;
      readonly addresses: readonly UdpAddress[];
      readonly deadline: number;
      /** The server pinged before login; the pong must wait until after it (spec §11.3). */
      pongOwed: boolean;
    }
  | { readonly phase: 'connected'; readonly connection: Connection; readonly tcpPing: PingTimer; nextUdpPing: number };

/**
 * The connection to the server (spec §11.3, §11.4): UDP address query, TCP login, then
 * keep-alive on TCP and UDP. `onEnded` runs whenever an established connection ends.
 */
export class ServerSession {
  private state: SessionState = { phase: 'disconnected' };

  constructor(
    private readonly outbox: Outbox,
    private readonly respond: (token: number, response: ClientResponse) => void,
    private readonly onEnded: () => void,
  ) {}

  get connection(): Connection | null {
    return this.state.phase === 'connected' ? this.state.connection : null;
  }

  /** The server we are connecting or connected to. */
  get server(): UdpAddress | null {
    const s = this.state;
    if (s.phase === 'disconnected') return null;
    return s.phase === 'connected' ? s.connection.server : s.params.server;
  }

  connect(token: number, params: ConnectParams, now: number): void {
    if (this.state.phase !== 'disconnected') {
      this.fail(token, AooErrorCode.AlreadyConnected, 'already connected or connecting');
      return;
    }
    const server = udpAddressOf(ipEndpointOf(params.server));
    if (server === null) {
      this.fail(token, ClientErrorCode.BadArgument, `server address ${params.server.address} port ${params.server.port} is not numeric`);
      return;
    }
    const timeout = params.timeout !== undefined && params.timeout > 0 ? params.timeout : CONNECT_TIMEOUT;
    this.state = { phase: 'querying', token, params: { ...params, server, timeout }, deadline: now + timeout, nextQuery: now };
    this.update(now);
  }

  /** Ends the connection or the attempt; a pending connect fails. */
  disconnect(): void {
    const s = this.state;
    if (s.phase === 'disconnected') return;
    if (s.phase !== 'querying') this.outbox.tcpClose();
    this.state = { phase: 'disconnected' };
    if (s.phase === 'connected') this.onEnded();
    else this.fail(s.token, ClientErrorCode.Unspecified, 'disconnected while connecting');
  }

  nextWakeup(): number {
    const s = this.state;
    switch (s.phase) {
      case 'disconnected':
        return Infinity;
      case 'querying':
        return Math.min(s.deadline, s.nextQuery);
      case 'opening':
      case 'logging-in':
        return s.deadline;
      case 'connected':
        return Math.min(s.tcpPing.nextWakeup(), s.nextUdpPing);
    }
  }

  update(now: number): void {
    const s = this.state;
    switch (s.phase) {
      case 'disconnected':
        return;
      case 'querying':
        if (now >= s.deadline) this.abort(s.token, requestError(AooErrorCode.UDPHandshakeTimeout, 'no reply to the UDP address query'));
        else if (now >= s.nextQuery) {
          this.outbox.udp({ kind: 'server/query' }, s.params.server);
          s.nextQuery = now + QUERY_INTERVAL;
        }
        return;
      case 'opening':
      case 'logging-in':
        if (now >= s.deadline) this.abort(s.token, requestError(ClientErrorCode.Timeout, s.phase === 'opening' ? 'TCP connection timed out' : 'no reply to the login'));
        return;
      case 'connected': {
        const due = s.tcpPing.poll(now);
        if (due === 'inactive') {
          this.lose(AooErrorCode.NotResponding, 'the server does not respond');
          return;
        }
        if (due === 'ping') this.outbox.tcp({ kind: 'server/ping' });
        if (now >= s.nextUdpPing) {
          this.outbox.udp({ kind: 'server/ping' }, s.connection.server);
          s.nextUdpPing = now + UDP_KEEPALIVE_INTERVAL;
        }
      }
    }
  }

  /** `/aoo/client/query` from the server over UDP: our public address. The first reply wins; later ones are ignored. */
  handleQuery(publicAddress: IpEndpoint, now: number): void {
    const s = this.state;
    const address = udpAddressOf(publicAddress);
    if (s.phase !== 'querying' || address === null) return;
    this.state = { phase: 'opening', token: s.token, params: s.params, publicAddress: address, deadline: now + s.params.timeout };
    this.outbox.tcpOpen(s.params.server);
  }

  /** The TCP connection is open: log in at once, before anything else (spec §11.3, §13 #23). */
  handleTcpOpen(now: number): void {
    const s = this.state;
    if (s.phase !== 'opening') return;
    const p = s.params;
    const addresses = [...(p.localAddresses ?? []), s.publicAddress, ...(p.extraAddresses ?? [])];
    const sent = this.outbox.tcp({
      kind: 'server/login',
      token: s.token,
      version: AOO_VERSION,
      password: hashPassword(p.password ?? ''),
      metadata: p.metadata ?? null,
      addresses: addresses.map(ipEndpointOf),
    });
    if (!sent) {
      this.abort(s.token, requestError(ClientErrorCode.BadArgument, 'login metadata too large'));
      return;
    }
    this.state = { phase: 'logging-in', token: s.token, params: p, publicAddress: s.publicAddress, addresses, deadline: now + REQUEST_TIMEOUT, pongOwed: false };
  }

  /** The TCP connection closed, broke, or carried garbage: the connect fails, or the connection is lost. */
  connectionFailed(code: number, message: string): void {
    const s = this.state;
    if (s.phase === 'opening' || s.phase === 'logging-in') this.abort(s.token, requestError(code, message));
    else if (s.phase === 'connected') this.lose(code, message);
  }

  /** False if the reply was not expected. */
  handleLogin(m: ClientLogin, now: number): boolean {
    const s = this.state;
    if (s.phase !== 'logging-in' || m.token !== s.token) return false;
    const r = m.result;
    if (!r.ok) {
      this.abort(s.token, r);
      return true;
    }
    if (checkVersion(r.version) !== 'ok') {
      this.abort(s.token, requestError(AooErrorCode.VersionNotSupported, `server version "${r.version}"`));
      return true;
    }
    const tcpPing = new PingTimer(SERVER_PING);
    tcpPing.reset(now);
    const connection = { server: s.params.server, clientId: r.clientId, publicAddress: s.publicAddress, addresses: s.addresses };
    this.state = { phase: 'connected', connection, tcpPing, nextUdpPing: now };
    this.respond(s.token, { request: 'connect', result: r });
    if (s.pongOwed) this.outbox.tcp({ kind: 'server/pong' });
    this.update(now);
    return true;
  }

  /** `/aoo/client/ping` over TCP. */
  handlePing(): void {
    const s = this.state;
    if (s.phase === 'connected') this.outbox.tcp({ kind: 'server/pong' });
    else if (s.phase === 'logging-in') s.pongOwed = true;
  }

  /** Anything from the server over TCP shows it is alive. */
  heardFromServer(now: number): void {
    if (this.state.phase === 'connected') this.state.tcpPing.reply(now);
  }

  /** The connection ended on its own: tell the user. */
  private lose(code: number, message: string): void {
    this.state = { phase: 'disconnected' };
    this.outbox.tcpClose();
    this.outbox.event({ type: 'Disconnect', code, message });
    this.onEnded();
  }

  /** A connection attempt failed. */
  private abort(token: number, error: RequestError): void {
    if (this.state.phase !== 'querying') this.outbox.tcpClose();
    this.state = { phase: 'disconnected' };
    this.respond(token, { request: 'connect', result: error });
  }

  private fail(token: number, code: number, message: string): void {
    this.respond(token, { request: 'connect', result: requestError(code, message) });
  }
}
