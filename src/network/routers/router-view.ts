import { secondsTime } from '../../common/time.js';
import { isSet, parseJson } from '../../db/row-codec.js';
import type { AllocationRow, PortRow } from '../ports/port-store.js';
import type { RouterRow } from './router-store.js';

/** The gateway port and its addresses, when the router has one. */
export interface RouterGateway {
  readonly port: PortRow;
  readonly ips: ReadonlyArray<AllocationRow>;
}

/** A router as Neutron renders it with router, ext-gw-mode, extraroute and the standard attributes. */
export function routerView(row: RouterRow, gw: RouterGateway | undefined): Record<string, unknown> {
  return {
    id: row.id,
    name: row.name,
    tenant_id: row.project_id,
    project_id: row.project_id,
    admin_state_up: isSet(row.admin_state_up),
    status: row.status,
    external_gateway_info:
      gw === undefined
        ? null
        : {
            network_id: gw.port.network_id,
            enable_snat: isSet(row.enable_snat),
            external_fixed_ips: gw.ips.map((a) => ({ subnet_id: a.subnet_id, ip_address: a.ip_address })),
          },
    routes: parseJson<unknown[]>(row.routes, []),
    description: row.description,
    tags: parseJson<string[]>(row.tags, []),
    created_at: secondsTime(row.created_at),
    updated_at: secondsTime(row.updated_at),
    revision_number: row.revision_number,
  };
}
