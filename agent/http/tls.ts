// TLS material for a client: the files are read once, when the client is built,
// so a missing or unreadable file is reported at construction, not on the first call.
import { readFileSync } from 'node:fs';
import { HearthError } from '../errors.js';

export interface TlsFiles {
  /** PEM file with the CA that signed the server's certificate. */
  readonly caCert?: string;
  /** PEM client certificate, for servers that verify clients (mTLS). */
  readonly clientCert?: string;
  /** PEM key of the client certificate. */
  readonly clientKey?: string;
}

export interface TlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/** Reads the PEM files named in `tls`; throws HEARTH_ERR_CONFIG_READ naming the file that failed. */
export function readTlsMaterial(tls: TlsFiles, source: string): TlsMaterial {
  if ((tls.clientCert === undefined) !== (tls.clientKey === undefined)) {
    throw new HearthError(
      'HEARTH_ERR_CONFIG_READ',
      `Expected both a client certificate and a client key (from ${source}), got only the ${tls.clientCert === undefined ? 'key' : 'certificate'}.`,
    );
  }
  const material: TlsMaterial = {};
  if (tls.caCert !== undefined) material.ca = readPem(tls.caCert, 'CA certificate', source);
  if (tls.clientCert !== undefined) material.cert = readPem(tls.clientCert, 'client certificate', source);
  if (tls.clientKey !== undefined) material.key = readPem(tls.clientKey, 'client key', source);
  return material;
}

function readPem(path: string, what: string, source: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new HearthError('HEARTH_ERR_CONFIG_READ', `cannot read the ${what} ${path} (from ${source}): ${(err as Error).message}`, {
      cause: err,
      details: { path, source },
    });
  }
}
