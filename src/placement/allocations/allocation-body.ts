import type { AllocationWrite } from '../placement-api.js';
import { badRequest } from '../placement-errors.js';
import { normalizeUuid } from '../placement-query.js';
import type { AllocationBodyJson } from './allocation-schemas.js';

/** Placement's incomplete_consumer_project_id/user_id: consumers written before 1.8 have no owner. */
export const incompleteConsumerId = '00000000-0000-0000-0000-000000000000';

export function consumerUuid(text: string): string {
  const u = normalizeUuid(text);
  if (u === undefined) throw badRequest(`Malformed consumer_uuid: ${text}`);
  return u;
}

/** A PUT or POST body (any microversion) as the writer's input. */
export function allocationWriteOf(consumerId: string, b: AllocationBodyJson): AllocationWrite {
  const list = Array.isArray(b.allocations)
    ? b.allocations.map((a) => ({ providerId: a.resource_provider.uuid, resources: a.resources }))
    : Object.entries(b.allocations).map(([providerId, a]) => ({ providerId, resources: a.resources }));
  return {
    consumerId,
    projectId: b.project_id ?? incompleteConsumerId,
    userId: b.user_id ?? incompleteConsumerId,
    ...(b.consumer_generation !== undefined && { consumerGeneration: b.consumer_generation }),
    ...(b.consumer_type !== undefined && { consumerType: b.consumer_type }),
    allocations: list.map((a) => ({ ...a, providerId: normalizeUuid(a.providerId) ?? a.providerId })),
  };
}
