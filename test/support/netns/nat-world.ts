/**
 * A small internet in Linux network namespaces: a "public" network (a bridge) holding the
 * server's address, and two homes, alice's and bob's, each behind its own NAT router:
 *
 *   home alice (192.168.1.2) ── router alice ── 203.0.113.2 ┐
 *                                                            ├─ public 203.0.113.0/24, server 203.0.113.1
 *   home bob   (192.168.2.2) ── router bob   ── 203.0.113.3 ┘
 *
 * Every namespace, link and rule lives in namespaces with a random suffix, so runs never meet
 * and nothing is sent outside them; `destroy()` deletes the namespaces, and with them all their
 * interfaces and rules. Needs root, iproute2 and nftables.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { type NatKind, natRules } from './nat-rules.ts';

/** 203.0.113.0/24 is TEST-NET-3 (RFC 5737): never routed on the real internet. */
const PUBLIC_NET = '203.0.113';
export const SERVER_IP = `${PUBLIC_NET}.1`;

/** One home behind its router. */
export interface Site {
  readonly router: string;
  /** The router's (the NAT's) address on the public network. */
  readonly publicIp: string;
  readonly home: string;
  readonly homeIp: string;
}

/** Runs a command; a failure throws with the command line and its stderr. */
function run(argv: readonly string[], input?: string): void {
  try {
    execFileSync(argv[0]!, argv.slice(1), { input, stdio: ['pipe', 'ignore', 'pipe'] });
  } catch (e) {
    const { code, stderr } = e as { code?: string; stderr?: Buffer };
    const why = code === 'ENOENT' ? 'command not found (install iproute2 and nftables)' : (stderr?.toString().trim() ?? String(e));
    throw new Error(`${argv.join(' ')}: ${why}`);
  }
}

/** The words that run a command inside the network namespace `ns`. */
export function runIn(ns: string): string[] {
  return ['ip', 'netns', 'exec', ns];
}

/** Fails with what is missing if this process cannot build a NatWorld; CI runs the NAT tests as root on Debian. */
export function checkNamespaceSupport(): void {
  if (process.getuid?.() !== 0) throw new Error('the NAT tests create network namespaces and need root (CI runs them as root)');
  run(['ip', '-V']);
  run(['nft', '--version']);
}

export class NatWorld {
  readonly public: string;
  readonly alice: Site;
  readonly bob: Site;
  private readonly created: string[] = [];

  /** Builds the namespaces, links and NAT rules; on failure, removes what it made and throws. */
  constructor(kinds: { readonly alice: NatKind; readonly bob: NatKind }) {
    const prefix = `aoo-nat-${randomBytes(3).toString('hex')}`;
    this.public = `${prefix}-public`;
    this.alice = { router: `${prefix}-router-a`, publicIp: `${PUBLIC_NET}.2`, home: `${prefix}-home-a`, homeIp: '192.168.1.2' };
    this.bob = { router: `${prefix}-router-b`, publicIp: `${PUBLIC_NET}.3`, home: `${prefix}-home-b`, homeIp: '192.168.2.2' };
    try {
      this.buildPublic();
      this.buildSite(this.alice, 'alice', kinds.alice);
      this.buildSite(this.bob, 'bob', kinds.bob);
    } catch (e) {
      this.destroy();
      throw e;
    }
  }

  /** Deletes every namespace it created (kill the processes in them first). */
  destroy(): void {
    for (const ns of this.created.splice(0).reverse()) {
      try {
        run(['ip', 'netns', 'delete', ns]);
      } catch {
        // already gone
      }
    }
  }

  private namespace(ns: string): void {
    run(['ip', 'netns', 'add', ns]);
    this.created.push(ns);
    run(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
  }

  private buildPublic(): void {
    this.namespace(this.public);
    run(['ip', '-n', this.public, 'link', 'add', 'name', 'br0', 'type', 'bridge']);
    run(['ip', '-n', this.public, 'addr', 'add', `${SERVER_IP}/24`, 'dev', 'br0']);
    run(['ip', '-n', this.public, 'link', 'set', 'br0', 'up']);
  }

  private buildSite(site: Site, name: string, kind: NatKind): void {
    const { router, home } = site;
    const homeNet = site.homeIp.replace(/\.\d+$/, '');
    this.namespace(router);
    this.namespace(home);
    // router WAN <-> a port of the public bridge
    const port = `to-${name}`;
    run(['ip', 'link', 'add', 'name', 'wan', 'netns', router, 'type', 'veth', 'peer', 'name', port, 'netns', this.public]);
    run(['ip', '-n', this.public, 'link', 'set', port, 'master', 'br0', 'up']);
    run(['ip', '-n', router, 'addr', 'add', `${site.publicIp}/24`, 'dev', 'wan']);
    run(['ip', '-n', router, 'link', 'set', 'wan', 'up']);
    // router LAN <-> the home machine
    run(['ip', 'link', 'add', 'name', 'lan', 'netns', router, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', home]);
    run(['ip', '-n', router, 'addr', 'add', `${homeNet}.1/24`, 'dev', 'lan']);
    run(['ip', '-n', router, 'link', 'set', 'lan', 'up']);
    run(['ip', '-n', home, 'addr', 'add', `${site.homeIp}/24`, 'dev', 'eth0']);
    run(['ip', '-n', home, 'link', 'set', 'eth0', 'up']);
    run(['ip', '-n', home, 'route', 'add', 'default', 'via', `${homeNet}.1`]);
    run([...runIn(router), 'sh', '-c', 'echo 1 > /proc/sys/net/ipv4/ip_forward']);
    run([...runIn(router), 'nft', '-f', '-'], natRules(kind, 'wan', 'lan'));
  }
}
