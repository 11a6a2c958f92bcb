import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { TokenKey } from './token-keys.js';

/** What a token carries; everything else is looked up again at validation, as Fernet tokens do. */
export interface TokenPayload {
  readonly userId: string;
  readonly methods: ReadonlyArray<string>;
  readonly scope: TokenScope;
  readonly issuedAt: number;
  readonly expiresAt: number;
  /** This token's audit id, then the audit id of the token it was made from (if any). */
  readonly auditIds: ReadonlyArray<string>;
  readonly applicationCredentialId?: string;
}

export type TokenScope =
  | { readonly kind: 'unscoped' }
  | { readonly kind: 'project'; readonly id: string }
  | { readonly kind: 'domain'; readonly id: string }
  | { readonly kind: 'system' };

const version = 1;
const header = 1 + 4 + 12 + 16;

/**
 * Token bytes: version | key id (u32) | IV (12) | GCM tag (16) | ciphertext, base64url.
 * AES-256-GCM authenticates and encrypts, so a token cannot be read or forged without a key.
 */
export function sealToken(payload: TokenPayload, key: TokenKey): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  const plain = Buffer.from(JSON.stringify(compact(payload)));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  const head = Buffer.alloc(5);
  head.writeUInt8(version, 0);
  head.writeUInt32BE(key.id, 1);
  return Buffer.concat([head, iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** The key id a token names, or undefined when it is not a Strata token. */
export function tokenKeyId(token: string): number | undefined {
  const raw = Buffer.from(token, 'base64url');
  if (raw.length <= header || raw.readUInt8(0) !== version) return undefined;
  return raw.readUInt32BE(1);
}

/** Decrypts and authenticates; undefined for anything tampered, truncated or foreign. */
export function openToken(token: string, key: TokenKey): TokenPayload | undefined {
  const raw = Buffer.from(token, 'base64url');
  if (raw.length <= header) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, raw.subarray(5, 17));
    decipher.setAuthTag(raw.subarray(17, 33));
    const plain = Buffer.concat([decipher.update(raw.subarray(33)), decipher.final()]);
    return expand(JSON.parse(plain.toString('utf8')) as CompactPayload);
  } catch {
    return undefined;
  }
}

interface CompactPayload {
  u: string;
  m: string[];
  s: ['u'] | ['p', string] | ['d', string] | ['s'];
  i: number;
  e: number;
  a: string[];
  c?: string;
}

function compact(p: TokenPayload): CompactPayload {
  const s: CompactPayload['s'] =
    p.scope.kind === 'project'
      ? ['p', p.scope.id]
      : p.scope.kind === 'domain'
        ? ['d', p.scope.id]
        : p.scope.kind === 'system'
          ? ['s']
          : ['u'];
  return {
    u: p.userId,
    m: [...p.methods],
    s,
    i: p.issuedAt,
    e: p.expiresAt,
    a: [...p.auditIds],
    ...(p.applicationCredentialId !== undefined && { c: p.applicationCredentialId }),
  };
}

function expand(c: CompactPayload): TokenPayload {
  const scope: TokenScope =
    c.s[0] === 'p'
      ? { kind: 'project', id: c.s[1] }
      : c.s[0] === 'd'
        ? { kind: 'domain', id: c.s[1] }
        : c.s[0] === 's'
          ? { kind: 'system' }
          : { kind: 'unscoped' };
  return {
    userId: c.u,
    methods: c.m,
    scope,
    issuedAt: c.i,
    expiresAt: c.e,
    auditIds: c.a,
    ...(c.c !== undefined && { applicationCredentialId: c.c }),
  };
}
