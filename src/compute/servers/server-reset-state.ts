import Type from 'typebox';
import { ConflictError } from '../../common/errors.js';
import { compileValidator } from '../../common/http/validation.js';
import type { ComputeDeps } from '../compute-deps.js';
import { startAction } from '../instance-actions/instance-action-store.js';
import type { Caller } from './server-inputs.js';
import type { Server } from './server-model.js';
import { updateServerIf } from './server-store.js';

export const resetStateBody = compileValidator(
  Type.Object(
    { state: Type.Union([Type.Literal('active'), Type.Literal('error')]) },
    { additionalProperties: false },
  ),
);

/**
 * os-resetState (admin): the operator's way out of a stuck task. Sets vm_state, clears the
 * task, and wakes the host's agent, which then brings the workload in line (power sync).
 */
export async function resetServerState(
  deps: ComputeDeps,
  caller: Caller,
  s: Server,
  state: 'active' | 'error',
  requestId: string,
): Promise<void> {
  const now = deps.clock().toISOString();
  const won = await deps.store.write(async (tx) => {
    if (
      !(await updateServerIf(
        tx,
        s.id,
        { generation: s.generation },
        { vm_state: state, task_state: null },
        now,
      ))
    )
      return false;
    await startAction(tx, {
      serverIds: [s.id],
      requestId,
      action: 'resetState',
      projectId: s.projectId,
      userId: caller.userId,
      now,
    });
    return true;
  });
  if (!won)
    throw new ConflictError(
      'compute.server.concurrent',
      `Instance ${s.id} changed while its state was reset.`,
    );
  if (s.host !== null) deps.signals.host(s.host, s.id);
}
