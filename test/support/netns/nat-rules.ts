/**
 * nftables rule sets that turn a router namespace into a NAT of a given kind (RFC 4787 terms).
 *
 * Both kinds masquerade what leaves on the WAN interface and let in only what Linux connection
 * tracking matches to a conversation the inside started: a UDP datagram from the outside is
 * de-NATed and forwarded only if its (source IP, source port, destination port) is exactly the
 * reply direction of an existing entry. That is *address-and-port-dependent filtering*: a
 * mapping opened towards A:p admits A:p only, not A:q nor B:p. Everything else from the WAN is
 * addressed to the router itself and dropped in `input` — silently, as a real NAT does, and so
 * that no conntrack entry is confirmed for it: such an entry would occupy the reply tuple and make
 * the router pick another port when the inside later sends to that peer.
 *
 * - port-restricted cone: `masquerade` keeps the inside source port when the resulting tuple
 *   is free, which it is for every destination of one inside socket: one public port per inside
 *   socket, whatever the destination (*endpoint-independent mapping*). With the filtering above
 *   this is a port-restricted cone NAT: two of them can be punched through by sending to each
 *   other's public address at the same time.
 * - symmetric: `masquerade fully-random` picks a random public port for every new conntrack
 *   entry, i.e. for every destination (*address-and-port-dependent mapping*). The public address
 *   the server sees is not the one a peer would have to send to, so hole punching fails against
 *   a port-restricted peer (and against another symmetric NAT).
 */
export type NatKind = 'port-restricted-cone' | 'symmetric';

/** The table the rules live in, one per router namespace. */
const TABLE = 'aoo_test_nat';

/** The nft script for a router whose outside interface is `wan` and inside interface `lan`. */
export function natRules(kind: NatKind, wan: string, lan: string): string {
  const mapping = kind === 'symmetric' ? 'masquerade fully-random' : 'masquerade';
  return `table ip ${TABLE} {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "${wan}" ${mapping}
  }
  chain forward {
    type filter hook forward priority filter; policy drop;
    iifname "${lan}" oifname "${wan}" accept
    iifname "${wan}" oifname "${lan}" ct state established,related accept
  }
  chain input {
    type filter hook input priority filter; policy accept;
    iifname "${wan}" ct state established,related accept
    iifname "${wan}" drop
  }
}
`;
}
