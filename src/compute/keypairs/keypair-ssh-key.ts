import type { JsonWebKey } from 'node:crypto';
import { createHash, createPublicKey, generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { InputError } from '../../common/errors.js';

/** A public key in OpenSSH's one-line format, checked to decode into a real key. */
export interface SshPublicKey {
  readonly type: string;
  /** The decoded key blob (SSH wire format). */
  readonly blob: Buffer;
}

export interface GeneratedKeypair {
  readonly privateKey: string;
  readonly publicKey: string;
  readonly fingerprint: string;
}

const ecdsaCurves: Readonly<Record<string, { readonly jwk: string; readonly bytes: number }>> = {
  nistp256: { jwk: 'P-256', bytes: 32 },
  nistp384: { jwk: 'P-384', bytes: 48 },
  nistp521: { jwk: 'P-521', bytes: 66 },
};

/** Nova's "Keypair data is invalid: <reason>" (400). */
export function invalidKeypair(reason: string): InputError {
  return new InputError('compute.keypair.invalid', `Keypair data is invalid: ${reason}`);
}

/** Reads SSH wire-format fields (RFC 4251 strings and mpints) from a key blob. */
class WireReader {
  #offset = 0;
  constructor(private readonly buf: Buffer) {}

  string(): Buffer {
    if (this.#offset + 4 > this.buf.length) throw new Error('truncated');
    const len = this.buf.readUInt32BE(this.#offset);
    const start = this.#offset + 4;
    if (start + len > this.buf.length) throw new Error('truncated');
    this.#offset = start + len;
    return this.buf.subarray(start, start + len);
  }

  /** An unsigned big integer without its sign-padding zero bytes. */
  mpint(): Buffer {
    const raw = this.string();
    if (raw.length > 0 && (raw[0]! & 0x80) !== 0) throw new Error('negative mpint');
    let i = 0;
    while (i < raw.length && raw[i] === 0) i++;
    return raw.subarray(i);
  }

  get done(): boolean {
    return this.#offset === this.buf.length;
  }
}

/**
 * Parses `<type> <base64> [comment]` and checks the blob is a valid RSA (≥1024 bits),
 * Ed25519 or ECDSA (P-256/384/521) key, as Nova's loader does. Throws 400 otherwise.
 */
export function parseSshPublicKey(text: string): SshPublicKey {
  const [type, data] = text.trim().split(/\s+/);
  if (type === undefined || data === undefined || !/^[A-Za-z0-9+/]+={0,2}$/.test(data)) {
    throw invalidKeypair('failed to generate fingerprint');
  }
  const blob = Buffer.from(data, 'base64');
  try {
    const r = new WireReader(blob);
    if (r.string().toString('latin1') !== type) throw new Error('type mismatch');
    createPublicKey({ key: jwkOf(type, r), format: 'jwk' });
    if (!r.done) throw new Error('trailing data');
  } catch {
    throw invalidKeypair('failed to generate fingerprint');
  }
  return { type, blob };
}

function jwkOf(type: string, r: WireReader): JsonWebKey {
  if (type === 'ssh-rsa') {
    const e = r.mpint();
    const n = r.mpint();
    if (n.length * 8 < 1024) throw new Error('RSA key too small');
    return { kty: 'RSA', n: n.toString('base64url'), e: e.toString('base64url') };
  }
  if (type === 'ssh-ed25519') {
    const x = r.string();
    if (x.length !== 32) throw new Error('bad Ed25519 key');
    return { kty: 'OKP', crv: 'Ed25519', x: x.toString('base64url') };
  }
  const curve = ecdsaCurves[type.replace(/^ecdsa-sha2-/, '')];
  if (!type.startsWith('ecdsa-sha2-') || curve === undefined) throw new Error('unsupported key type');
  if (r.string().toString('latin1') !== type.slice('ecdsa-sha2-'.length)) throw new Error('curve mismatch');
  const q = r.string();
  if (q.length !== 1 + 2 * curve.bytes || q[0] !== 4) throw new Error('bad EC point');
  const x = q.subarray(1, 1 + curve.bytes).toString('base64url');
  const y = q.subarray(1 + curve.bytes).toString('base64url');
  return { kty: 'EC', crv: curve.jwk, x, y };
}

/** Nova's fingerprint: MD5 of the key blob as colon-separated hex pairs. */
export function sshFingerprint(blob: Buffer): string {
  return createHash('md5').update(blob).digest('hex').match(/../g)!.join(':');
}

const generateRsa = promisify(generateKeyPair);

/** A new RSA-2048 pair, as Nova generates: private key in PEM (PKCS#1), public key in OpenSSH format. */
export async function generateSshKeypair(comment: string): Promise<GeneratedKeypair> {
  const { publicKey, privateKey } = await generateRsa('rsa', {
    modulusLength: 2048,
    publicExponent: 0x10001,
    publicKeyEncoding: { type: 'spki', format: 'der' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const jwk = createPublicKey({ key: publicKey, format: 'der', type: 'spki' }).export({ format: 'jwk' });
  const blob = Buffer.concat([
    wireString(Buffer.from('ssh-rsa')),
    wireString(mpint(Buffer.from(jwk.e!, 'base64url'))),
    wireString(mpint(Buffer.from(jwk.n!, 'base64url'))),
  ]);
  return {
    privateKey,
    publicKey: `ssh-rsa ${blob.toString('base64')} ${comment}`,
    fingerprint: sshFingerprint(blob),
  };
}

function wireString(b: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

/** Positive integers get a leading zero byte when their top bit is set (two's complement). */
function mpint(b: Buffer): Buffer {
  return b.length > 0 && (b[0]! & 0x80) !== 0 ? Buffer.concat([Buffer.from([0]), b]) : b;
}
