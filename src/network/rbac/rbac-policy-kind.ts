import type { Db } from '../../db/db-handle.js';
import type { NetworkCaller } from '../network-context.js';
import type { AnyRbacPolicyRow } from './rbac-view.js';

/** A new policy's columns every object type shares (the action not yet narrowed to the type's). */
export interface NewPolicy {
  readonly id: string;
  readonly project_id: string;
  readonly object_id: string;
  readonly action: string;
  readonly target_project: string;
  readonly created_at: string;
}

/**
 * What creating a policy on one object type needs: its actions, its row, the checks Neutron's
 * RBAC callbacks make before the insert (the caller owns the object; the type's own), its
 * table, and the flags the object keeps in step with its policies.
 */
export interface PolicyKind<R extends AnyRbacPolicyRow> {
  readonly type: string;
  readonly actions: ReadonlyArray<string>;
  row(policy: NewPolicy): R;
  check(tx: Db, caller: NetworkCaller, row: R): Promise<void>;
  insert(tx: Db, row: R): Promise<void>;
  sync(tx: Db, row: R): Promise<void>;
}
