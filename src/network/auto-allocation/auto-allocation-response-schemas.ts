import { str, strict } from '../../common/http/response-schemas.js';

/**
 * Neutron's auto-allocated topology (api-ref "Auto Allocated Topology"): the network's id and
 * the project, or `dry-run=pass` as the id for `fields=dry-run`.
 */
export const autoAllocatedTopologyResponse = strict({
  auto_allocated_topology: strict({ id: str, tenant_id: str }),
});
