import { randomBytes, randomUUID } from 'node:crypto';

/** Keystone-style id: a UUID without dashes. */
export function hexId(): string {
  return randomUUID().replace(/-/g, '');
}

/** Dashed UUID, as Nova, Neutron and Glance use. */
export function uuid(): string {
  return randomUUID();
}

/** Short url-safe random string (audit ids, secrets). */
export function randomToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}
