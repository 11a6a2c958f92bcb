import { ConflictError, InputError, NotFoundError } from '../../common/errors.js';
import { uniqueWrite } from '../../db/unique-write.js';
import type { ComputeDeps } from '../compute-deps.js';
import { enforceKeypairQuota } from '../quotas/quota-enforcement.js';
import { generateSshKeypair, parseSshPublicKey, sshFingerprint } from './keypair-ssh-key.js';
import type { Keypair, NewKeypair } from './keypair-store.js';
import { generateX509Keypair, x509Fingerprint } from './keypair-x509.js';
import * as store from './keypair-store.js';

/** The user acting and the project whose key_pairs quota applies. */
export interface KeypairOwner {
  readonly userId: string;
  readonly projectId?: string;
}

export interface CreatedKeypair {
  readonly keypair: Keypair;
  /** Only for a generated pair; Strata keeps no copy. */
  readonly privateKey?: string;
}

// Nova 2.1's keypair_name_20 alphabet, listed in its error message in this order.
const safeChars = '_- 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

const notFound = (name: string, userId: string) =>
  new NotFoundError('compute.keypair.not_found', `Keypair ${name} not found for user ${userId}`);

/** Nova's two name checks: no surrounding whitespace, then only the safe alphabet. */
function checkName(name: string): void {
  const reason = /^\s|\s$/.test(name)
    ? 'printable characters. Can not start or end with whitespace.'
    : [...name].every((c) => safeChars.includes(c))
      ? undefined
      : `Only expected characters: [${safeChars}]`;
  if (reason !== undefined) {
    throw new InputError(
      'compute.keypair.bad_name',
      `An invalid 'name' value was provided. The name must be: ${reason}`,
    );
  }
}

export function listKeypairs(deps: ComputeDeps, userId: string): Promise<Keypair[]> {
  return store.listKeypairs(deps.store.db, userId);
}

export async function findKeypair(deps: ComputeDeps, userId: string, name: string): Promise<Keypair> {
  const k = await store.getKeypair(deps.store.db, userId, name);
  if (k === undefined) throw notFound(name, userId);
  return k;
}

/** Imports the given public key (an OpenSSH line, or a PEM certificate for x509) or generates a pair. */
async function makeKey(
  type: Keypair['type'],
  userId: string,
  publicKey: string | undefined,
): Promise<{ publicKey: string; fingerprint: string; privateKey?: string }> {
  if (type === 'x509') {
    return publicKey === undefined
      ? generateX509Keypair(userId)
      : { publicKey, fingerprint: x509Fingerprint(publicKey) };
  }
  return publicKey === undefined
    ? generateSshKeypair('Generated-by-Strata')
    : { publicKey, fingerprint: sshFingerprint(parseSshPublicKey(publicKey).blob) };
}

/**
 * Imports `publicKey`, or generates an RSA pair when it is absent. The quota check and the
 * insert share one transaction; a taken name is 409 and nothing is written.
 */
export async function createKeypair(
  deps: ComputeDeps,
  owner: KeypairOwner,
  name: string,
  publicKey: string | undefined,
  type: Keypair['type'] = 'ssh',
): Promise<CreatedKeypair> {
  checkName(name);
  const made = await makeKey(type, owner.userId, publicKey);
  const fresh: NewKeypair = {
    userId: owner.userId,
    name,
    type,
    publicKey: made.publicKey,
    fingerprint: made.fingerprint,
    createdAt: deps.clock().toISOString(),
  };
  const keypair = await uniqueWrite(
    deps.store.traits,
    () =>
      deps.store.db.transaction().execute(async (tx) => {
        await enforceKeypairQuota(tx, owner.projectId, owner.userId, deps.config);
        return store.insertKeypair(tx, fresh);
      }),
    () => new ConflictError('compute.keypair.exists', `Key pair '${name}' already exists.`),
  );
  return made.privateKey === undefined ? { keypair } : { keypair, privateKey: made.privateKey };
}

export async function deleteKeypair(deps: ComputeDeps, userId: string, name: string): Promise<void> {
  if (!(await store.deleteKeypair(deps.store.db, userId, name))) throw notFound(name, userId);
}
