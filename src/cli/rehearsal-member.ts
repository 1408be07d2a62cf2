/** What `aoo-node rehearsal` knows and shows of one musician, Pd or Node alike (pure). */

/** A level this low (dBFS, RMS of the mix a musician hears) is silence, not a peer's tone. */
const SOUNDING_DB = -30;

/** One musician of the demo: joins the group, streams to every other member by name, plays what arrives. */
export interface RehearsalMember {
  readonly user: string;
  readonly tracker: MemberTracker;
  /** Leaves the group and releases everything it holds. */
  close(): Promise<void>;
}

export class MemberTracker {
  private inGroup = false;
  private readonly peers = new Set<string>();
  /** Stream state of each peer heard, by user name. */
  private readonly streams = new Map<string, string>();
  /** Peers whose stream was active at some point. */
  private readonly heard = new Set<string>();
  private levelDb: number | undefined;
  private loudestDb = Number.NEGATIVE_INFINITY;
  private failure: string | undefined;

  constructor(readonly user: string) {}

  joined(): void {
    this.inGroup = true;
  }

  peerJoined(user: string): void {
    this.peers.add(user);
  }

  peerLeft(user: string): void {
    this.peers.delete(user);
    this.streams.delete(user);
  }

  /** `state`: inactive, active or buffering (the sink's stream state of that peer's source). */
  streamState(user: string, state: string): void {
    this.streams.set(user, state);
    if (state === 'active') this.heard.add(user);
  }

  /** RMS level of what the musician plays now, dBFS. */
  level(db: number): void {
    this.levelDb = db;
    this.loudestDb = Math.max(this.loudestDb, db);
  }

  /** The first failure counts; later ones follow from it. */
  fail(reason: string): void {
    this.failure ??= reason;
  }

  /** "alice: in band with bob, hears bob active, -9 dB" */
  statusText(): string {
    if (this.failure !== undefined) return `${this.user}: ${this.failure}`;
    if (!this.inGroup) return `${this.user}: joining`;
    const peers = this.peers.size > 0 ? `with ${[...this.peers].join(', ')}` : 'alone';
    const streams = [...this.streams].map(([user, state]) => `${user} ${state}`);
    const level = this.levelDb === undefined ? '' : `, ${formatDb(this.levelDb)}`;
    return `${this.user}: ${peers}${streams.length > 0 ? `, hears ${streams.join(', ')}` : ''}${level}`;
  }

  /** The summary line, and why the musician failed (undefined if it heard every other one). */
  summary(others: readonly string[]): { readonly line: string; readonly failure: string | undefined } {
    const missed = others.filter((u) => !this.heard.has(u));
    const heard = others.filter((u) => this.heard.has(u));
    const line = `${this.user}: ${heard.length > 0 ? `heard ${heard.join(', ')}` : 'heard nobody'}, loudest ${formatDb(this.loudestDb)}`;
    if (this.failure !== undefined) return { line, failure: `${this.user}: ${this.failure}` };
    if (missed.length > 0) return { line, failure: `${this.user} never heard ${missed.join(', ')}` };
    if (!(this.loudestDb > SOUNDING_DB)) return { line, failure: `${this.user} heard only silence` };
    return { line, failure: undefined };
  }
}

function formatDb(db: number): string {
  return Number.isFinite(db) ? `${db.toFixed(1)} dBFS` : 'silence';
}
