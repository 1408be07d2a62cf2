import { strict as assert } from 'node:assert';
import type { NetworkInterfaceInfo } from 'node:os';
import { localAddresses } from '../../../src/net/client/local-addresses.ts';

const iface = (address: string, family: 'IPv4' | 'IPv6', internal = false, scopeid = 0): NetworkInterfaceInfo =>
  ({ address, family, internal, scopeid, netmask: '', mac: '', cidr: null }) as NetworkInterfaceInfo;

describe('client: local addresses announced at login (spec §11.4)', () => {
  const interfaces = {
    lo: [iface('127.0.0.1', 'IPv4', true), iface('::1', 'IPv6', true)],
    eth0: [iface('fe80::1', 'IPv6', false, 2), iface('192.168.1.20', 'IPv4'), iface('2001:db8::20', 'IPv6'), iface('10.0.0.9', 'IPv4')],
  };

  it('the first external IPv4 address and the first global IPv6 address, with the client port', () => {
    assert.deepEqual(localAddresses(9000, true, interfaces), [
      { address: '192.168.1.20', port: 9000 },
      { address: '2001:db8::20', port: 9000 },
    ]);
  });

  it('no IPv6 address on an IPv4-only socket; nothing when there are only loopback interfaces', () => {
    assert.deepEqual(localAddresses(9000, false, interfaces), [{ address: '192.168.1.20', port: 9000 }]);
    assert.deepEqual(localAddresses(9000, true, { lo: interfaces.lo }), []);
  });
});
