// A TCP port nothing listens on at the time of asking: bound to port 0 on
// `host` and released. Tests that must name a port before something else
// binds it (a config file, nginx, Consul's dev agent) use this.
import { createServer } from 'node:net';

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return await new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ host, port: 0 }, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
