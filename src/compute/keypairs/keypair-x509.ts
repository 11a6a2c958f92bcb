import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { GeneratedKeypair } from './keypair-ssh-key.js';
import { invalidKeypair } from './keypair-ssh-key.js';

const run = promisify(execFile);

/** Nova's x509 fingerprint: the certificate's SHA-1, lower-case hex pairs joined by colons. */
export function x509Fingerprint(pem: string): string {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    throw invalidKeypair(
      'failed to generate X509 fingerprint. Error message: Unable to load PEM certificate',
    );
  }
  return cert.fingerprint.toLowerCase();
}

/**
 * A self-signed client certificate for `userId` and its RSA key, as Nova makes for WinRM
 * (CN=<user>, clientAuth, UPN <user>@localhost, ten years). OpenSSL signs it: Node's crypto
 * can parse certificates but not issue them. The key lives in a private temporary directory
 * only until it is read back.
 */
export async function generateX509Keypair(userId: string): Promise<GeneratedKeypair> {
  const dir = await mkdtemp(join(tmpdir(), 'strata-x509-'));
  try {
    const keyFile = join(dir, 'key.pem');
    const certFile = join(dir, 'cert.pem');
    await run('openssl', [
      'req',
      '-x509',
      '-nodes',
      '-days',
      '3650',
      '-newkey',
      'rsa:2048',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-subj',
      `/CN=${userId}`,
      '-addext',
      'extendedKeyUsage=clientAuth',
      '-addext',
      `subjectAltName=otherName:1.3.6.1.4.1.311.20.2.3;UTF8:${userId}@localhost`,
    ]);
    const [privateKey, publicKey] = await Promise.all([
      readFile(keyFile, 'utf8'),
      readFile(certFile, 'utf8'),
    ]);
    return { privateKey, publicKey, fingerprint: x509Fingerprint(publicKey) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
