import { chmod, chown, lchown, lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A container's user namespace mapping: its ids 0…size-1 are host ids hostId…hostId+size-1.
 *
 * Scheme: each container gets a range of its own (so two tenants' roots are different
 * users on the host, and neither is a user the host knows), `rangeSize` ids long, taken
 * from slot n at `base + n × rangeSize`. The slot is the lowest one no other workload of the
 * driver holds; it is recorded in the workload's record, so a restart (of the container, the
 * agent or the host) maps it the same way, and it is free again when the workload is deleted.
 * The default base (2^28) sits far above ordinary users and the ranges useradd hands out in
 * /etc/subuid; two agents on one host need different bases.
 */
export interface IdMap {
  readonly hostId: number;
  readonly size: number;
}

export const rangeSize = 65_536;
export const defaultIdMapBase = 2 ** 28;
/** uid 2^32-1 is "no id": the highest slot keeps every mapped id below it. */
const maxSlots = (2 ** 32 - 1 - defaultIdMapBase) / rangeSize;

/** The lowest slot's mapping that `taken` (host ids of existing mappings) leaves free. */
export function allocateIdMap(base: number, taken: Iterable<number>): IdMap {
  const used = new Set(taken);
  const slots = Math.floor(Math.min(maxSlots, (2 ** 32 - 1 - base) / rangeSize));
  for (let n = 0; n < slots; n++) {
    const hostId = base + n * rangeSize;
    if (!used.has(hostId)) return { hostId, size: rangeSize };
  }
  throw new Error(`runc driver: every user namespace range above ${base} is in use`);
}

/** A container id as the host sees it; ids outside the range (already shifted) stay. */
export function hostIdOf(m: IdMap, id: number): number {
  return id < m.size ? m.hostId + id : id;
}

/** A host id as the container sees it (for snapshots); unmapped ids show as nobody. */
export function containerIdOf(m: IdMap, id: number): number {
  if (id >= m.hostId && id < m.hostId + m.size) return id - m.hostId;
  return id < m.size ? id : 65_534;
}

/**
 * Gives every file under `root` (not crossing into other mounts) the host owner its owner
 * has inside the container. Idempotent: an owner already in the range stays. On an overlay
 * mounted with metacopy this copies up metadata only, so a container costs inodes, not a
 * copy of its image. chown clears set-id bits, so the mode is put back after.
 */
export async function shiftOwners(root: string, m: IdMap): Promise<void> {
  const top = await lstat(root);
  const walk = async (path: string): Promise<void> => {
    const st = await lstat(path);
    // Another filesystem mounted below is not the container's to own (overlay files may
    // report their layer's device, so only directories are compared).
    if (st.isDirectory() && st.dev !== top.dev) return;
    const uid = hostIdOf(m, st.uid);
    const gid = hostIdOf(m, st.gid);
    if (uid !== st.uid || gid !== st.gid) {
      await lchown(path, uid, gid);
      if (!st.isSymbolicLink() && (st.mode & 0o6000) !== 0) await chmod(path, st.mode & 0o7777);
    }
    if (!st.isDirectory()) return;
    // A few at a time: each chown is a copy-up waiting on the disk, not on the CPU.
    const names = await readdir(path);
    for (let i = 0; i < names.length; i += 16)
      await Promise.all(names.slice(i, i + 16).map((name) => walk(join(path, name))));
  };
  await walk(root);
}

/** Gives the container's root the given host paths (files it must be able to read or write). */
export async function ownByRoot(m: IdMap, paths: ReadonlyArray<string>): Promise<void> {
  for (const p of paths) await chown(p, m.hostId, m.hostId);
}
