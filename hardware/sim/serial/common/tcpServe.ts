import { createServer, type Server, type Socket } from 'node:net';
import { createSocketLink } from '../../../../firmware-bridge/transport/tcpLink.ts';
import type { Link } from '../../../../firmware-bridge/transport/link.ts';

export interface TcpExposure {
  /** the bound port (useful with port 0) */
  port: number;
  host: string;
  close(): Promise<void>;
}

/**
 * Expose a simulator on a TCP port, so the real controller (`tcp://host:port`) or a
 * technician's terminal (`socat - TCP:host:port`, a serial-over-IP tool) can talk to it.
 * `attach` is called for each connection with a Link for it and returns a detach function.
 */
export function serveLinksOnTcp(attach: (link: Link) => () => void, port: number, host = '127.0.0.1'): Promise<TcpExposure> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    const link = createSocketLink(socket, `sim-tcp:${socket.remoteAddress}:${socket.remotePort}`);
    const detach = attach(link);
    socket.on('close', () => {
      sockets.delete(socket);
      detach();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const addr = server.address();
      const bound = typeof addr === 'object' && addr ? addr.port : port;
      resolve({
        port: bound,
        host,
        close: () =>
          new Promise<void>((res) => {
            for (const s of sockets) s.destroy();
            server.close(() => res());
          }),
      });
    });
  });
}
