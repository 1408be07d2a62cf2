/** The client's TCP connections and the server objects' servers on real sockets (for engine-process.ts). */
import { connect } from 'node:net';
import { AooServer } from '../net/server/aoo-server.ts';
import type { ConnectTcp, OpenServer } from './net-io.ts';

export const connectTcp: ConnectTcp = (to, events) => {
  const socket = connect({ host: to.address, port: to.port });
  socket.setNoDelay(true);
  let failure = 'connection closed';
  let closed = false;
  socket.on('connect', () => events.open());
  socket.on('data', (chunk: Buffer) => events.data(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)));
  socket.on('error', (e) => (failure = e.message));
  socket.on('close', () => {
    if (!closed) events.closed(failure);
  });
  return {
    write: (bytes) => socket.write(bytes),
    close: () => {
      closed = true;
      socket.destroy();
    },
  };
};

/** Servers that log their warnings (dropped packets, slow clients) as one line each. */
export function serverOpener(log: (line: string) => void): OpenServer {
  return async ({ port, relay, onEvent }) => {
    const server = await AooServer.listen({
      port,
      relay,
      onEvent,
      onLog: (r) => log(`server ${port}: ${r.message} ${JSON.stringify(r.fields)}`),
    });
    return { setRelay: (on) => server.setRelay(on), close: () => server.close() };
  };
}
