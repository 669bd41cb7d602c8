// A real OpenSSH server for tests: its own host key, config and authorized
// key in a temp dir, listening on a free loopback port, signing in the user
// the tests run as. stop() kills it and removes the dir.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

export const SSHD = '/usr/sbin/sshd';

export interface TestSshd {
  readonly dir: string;
  readonly port: number;
  readonly user: string;
  /** The client's private key (signs in) and a known_hosts line naming the server's key. */
  readonly privateKeyPath: string;
  readonly knownHostsLine: string;
  /** The known_hosts line of a different key for the same host (a "changed" key). */
  readonly otherKnownHostsLine: string;
  stop(): Promise<void>;
}

export function sshdMissing(): string | undefined {
  return existsSync(SSHD) ? undefined : `${SSHD} is not installed (apt-get install -y openssh-server)`;
}

function keygen(path: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'hearth-test', '-f', path], { stdio: 'ignore' });
}

async function listening(port: number, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('data', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`sshd did not answer on 127.0.0.1:${port}`);
}

export async function startSshd(): Promise<TestSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-sshd-'));
  const user = userInfo().username;
  keygen(join(dir, 'host_key'));
  keygen(join(dir, 'other_host_key'));
  keygen(join(dir, 'client_key'));
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')));
  const port = await freePort();
  // Privilege separation needs this directory (it exists on a host where sshd ever ran).
  if (userInfo().uid === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  writeFileSync(join(dir, 'sshd_config'), [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'host_key')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'StrictModes no',
    'UsePAM no',
    'LogLevel ERROR',
    '',
  ].join('\n'));
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
  try {
    await listening(port, Date.now() + 10_000);
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(err as Error).message}: ${stderr}`);
  }
  const line = (file: string) => `[127.0.0.1]:${port} ${readFileSync(join(dir, file), 'utf8').split(' ').slice(0, 2).join(' ')}`;
  return {
    dir,
    port,
    user,
    privateKeyPath: join(dir, 'client_key'),
    knownHostsLine: line('host_key.pub'),
    otherKnownHostsLine: line('other_host_key.pub'),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
