import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSshKeypair, parseSshPublicKey, sshFingerprint } from './keypair-ssh-key.js';

const wire = (...parts: Buffer[]) =>
  Buffer.concat(
    parts.flatMap((b) => {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(b.length);
      return [len, b];
    }),
  );

function ecdsaLine(curve: 'P-256' | 'P-384' | 'P-521', name: string): string {
  const jwk = generateKeyPairSync('ec', { namedCurve: curve }).publicKey.export({ format: 'jwk' });
  const q = Buffer.concat([
    Buffer.from([4]),
    Buffer.from(jwk.x!, 'base64url'),
    Buffer.from(jwk.y!, 'base64url'),
  ]);
  return `ecdsa-sha2-${name} ${wire(Buffer.from(`ecdsa-sha2-${name}`), Buffer.from(name), q).toString('base64')}`;
}

function sshKeygenFingerprint(line: string): string | undefined {
  try {
    const file = join(mkdtempSync(join(tmpdir(), 'strata-ssh-')), 'key.pub');
    writeFileSync(file, `${line}\n`);
    const out = execFileSync('ssh-keygen', ['-l', '-E', 'md5', '-f', file], { encoding: 'utf8' });
    return /MD5:(\S+)/.exec(out)?.[1];
  } catch {
    return undefined; // ssh-keygen not installed
  }
}

describe('keypair-ssh-key', () => {
  it('accepts ECDSA keys on the three NIST curves', () => {
    for (const [curve, name] of [
      ['P-256', 'nistp256'],
      ['P-384', 'nistp384'],
      ['P-521', 'nistp521'],
    ] as const) {
      expect(parseSshPublicKey(ecdsaLine(curve, name)).type).toBe(`ecdsa-sha2-${name}`);
    }
  });

  it('rejects a point that is not on the curve, and a curve name that disagrees with the type', () => {
    const good = Buffer.from(ecdsaLine('P-256', 'nistp256').split(' ')[1]!, 'base64');
    const bent = Buffer.from(good);
    bent.writeUInt8(bent.readUInt8(bent.length - 1) ^ 1, bent.length - 1);
    expect(() => parseSshPublicKey(`ecdsa-sha2-nistp256 ${bent.toString('base64')}`)).toThrow(
      'Keypair data is invalid: failed to generate fingerprint',
    );
    const renamed = ecdsaLine('P-256', 'nistp256').replace('ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384');
    expect(() => parseSshPublicKey(renamed)).toThrow(/Keypair data is invalid/);
  });

  it('rejects RSA keys under 1024 bits and trailing bytes', () => {
    const jwk = generateKeyPairSync('rsa', { modulusLength: 512 }).publicKey.export({ format: 'jwk' });
    const small = wire(
      Buffer.from('ssh-rsa'),
      Buffer.from(jwk.e!, 'base64url'),
      Buffer.from(jwk.n!, 'base64url'),
    );
    expect(() => parseSshPublicKey(`ssh-rsa ${small.toString('base64')}`)).toThrow(/invalid/);
    const ed = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
    const padded = wire(Buffer.from('ssh-ed25519'), Buffer.from(ed.x!, 'base64url'), Buffer.from('x'));
    expect(() => parseSshPublicKey(`ssh-ed25519 ${padded.toString('base64')}`)).toThrow(/invalid/);
  });

  it('generates an RSA-2048 pair whose fingerprint ssh-keygen agrees with', async () => {
    const made = await generateSshKeypair('test');
    const parsed = parseSshPublicKey(made.publicKey);
    expect(sshFingerprint(parsed.blob)).toBe(made.fingerprint);
    const key = createPublicKey(createPrivateKey(made.privateKey));
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const fromKeygen = sshKeygenFingerprint(made.publicKey);
    if (fromKeygen !== undefined) expect(fromKeygen).toBe(made.fingerprint);
  });
});
