import { InputError, InvalidStateError, NotFoundError } from '../../common/errors.js';
import type { ComputeDeps } from '../compute-deps.js';
import type { Server } from './server-model.js';
import { addTag, removeTag, replaceTags, tagsOf } from './server-tag-store.js';

import { maxTags } from './server-schemas.js';

export { maxTags };

/** Nova lets tags change only in these vm_states (not while building, resizing, erroring). */
const taggable = new Set(['active', 'paused', 'suspended', 'stopped', 'shelved', 'shelved_offloaded']);

function checkTaggable(s: Server, action: string): void {
  if (!taggable.has(s.vmState))
    throw new InvalidStateError(
      'compute.server_tags.invalid_state',
      `Cannot '${action}' instance ${s.id} while it is in vm_state ${s.vmState}`,
      'server',
      s.vmState,
      action,
    );
}

const tooMany = () =>
  new InputError(
    'compute.server_tags.too_many',
    `The number of tags exceeded the per-server limit ${maxTags}`,
  );

/** Replaces every tag; returns the new list, sorted as the views show it. */
export async function setServerTags(
  deps: ComputeDeps,
  s: Server,
  tags: ReadonlyArray<string>,
  action = 'update tags',
): Promise<string[]> {
  checkTaggable(s, action);
  if (new Set(tags).size > maxTags) throw tooMany();
  return deps.store.db.transaction().execute(async (tx) => {
    await replaceTags(tx, s.id, tags);
    await touch(deps, tx, s.id);
    return (await tagsOf(tx, [s.id])).get(s.id)!;
  });
}

/** Adds one tag; false when the server already had it. */
export async function setServerTag(deps: ComputeDeps, s: Server, tag: string): Promise<boolean> {
  checkTaggable(s, 'update tag');
  if (s.tags.includes(tag)) return false;
  if (s.tags.length >= maxTags) throw tooMany();
  return deps.store.db.transaction().execute(async (tx) => {
    const added = await addTag(tx, s.id, tag);
    if (added) await touch(deps, tx, s.id);
    return added;
  });
}

export async function unsetServerTag(deps: ComputeDeps, s: Server, tag: string): Promise<void> {
  checkTaggable(s, 'delete tag');
  const removed = await deps.store.db.transaction().execute(async (tx) => {
    const gone = await removeTag(tx, s.id, tag);
    if (gone) await touch(deps, tx, s.id);
    return gone;
  });
  if (!removed)
    throw new NotFoundError('compute.server_tags.not_found', `Server ${s.id} has no tag '${tag}'`);
}

/** A tag change is a change of the server: changes-since lists it. */
async function touch(deps: ComputeDeps, tx: Parameters<typeof tagsOf>[0], id: string): Promise<void> {
  await tx
    .updateTable('servers')
    .set({ updated_at: deps.clock().toISOString() })
    .where('id', '=', id)
    .execute();
}
