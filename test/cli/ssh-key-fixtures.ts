import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

// SSH keys for the key pair CLI tests.

/** True when OpenSSH's ssh-keygen is installed (Debian's openssh-client). */
export function sshKeygenAvailable(): boolean {
  try {
    execFileSync('ssh-keygen', ['-?'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    // ssh-keygen -? prints usage and exits 1; only a missing binary is ENOENT.
    return (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

export const md5Fingerprint = (line: string) =>
  createHash('md5')
    .update(Buffer.from(line.split(' ')[1]!, 'base64'))
    .digest('hex')
    .match(/../g)!
    .join(':');

/** An OpenSSH public key file: from ssh-keygen when installed, else built with node:crypto. */
export function publicKeyFile(dir: string, kind: 'rsa' | 'ed25519'): string {
  const path = join(dir, `id_${kind}`);
  if (sshKeygenAvailable()) {
    execFileSync('ssh-keygen', ['-q', '-t', kind, '-N', '', '-C', 'cli-test', '-f', path]);
    return `${path}.pub`;
  }
  const wire = (...parts: Buffer[]) =>
    Buffer.concat(parts.flatMap((b) => [Buffer.from([0, 0, b.length >> 8, b.length & 255]), b]));
  let blob: Buffer;
  if (kind === 'ed25519') {
    const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
    blob = wire(Buffer.from('ssh-ed25519'), Buffer.from(jwk.x!, 'base64url'));
  } else {
    const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
    blob = wire(
      Buffer.from('ssh-rsa'),
      Buffer.from(jwk.e!, 'base64url'),
      Buffer.concat([Buffer.from([0]), Buffer.from(jwk.n!, 'base64url')]),
    );
  }
  writeFileSync(`${path}.pub`, `ssh-${kind} ${blob.toString('base64')} cli-test\n`);
  return `${path}.pub`;
}
