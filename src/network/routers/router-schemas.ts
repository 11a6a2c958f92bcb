import type { AttributeMap } from '../network-attributes.js';
import { isString, isUuid, noneToEmptyList, pyStr, toBoolean } from '../network-attributes.js';
import { isFixedIps } from '../ports/port-schemas.js';
import { isHostRoute } from '../subnets/subnet-schemas.js';

const projectId = { post: true, put: false, default: undefined, validate: isString(255) } as const;

const gatewayKeys = ['network_id', 'enable_snat', 'external_fixed_ips'];

/** neutron-lib's set repr, keys in the order they came. */
const setRepr = (keys: ReadonlyArray<string>) => `{${keys.map((k) => `'${k}'`).join(', ')}}`;

/** external_gateway_info: `type:dict_or_nodata` with ext-gw-mode's keys. */
function convertGateway(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  const o = { ...(v as Record<string, unknown>) };
  if (Object.keys(o).length === 0) return null;
  if ('enable_snat' in o) o['enable_snat'] = toBoolean(o['enable_snat']);
  return o;
}

function isGateway(v: unknown): string | undefined {
  if (v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) return `'${pyStr(v)}' is not a dictionary`;
  const o = v as Record<string, unknown>;
  if (!('network_id' in o))
    return `Validation of dictionary's keys failed. Expected keys: {'network_id'} Provided keys: ${setRepr(Object.keys(o))}`;
  const unexpected = Object.keys(o).filter((k) => !gatewayKeys.includes(k));
  if (unexpected.length > 0) return `Unexpected keys supplied: ${unexpected.join(', ')}`;
  return (
    isUuid(o['network_id']) ?? ('external_fixed_ips' in o ? isFixedIps(o['external_fixed_ips']) : undefined)
  );
}

/** The router attribute map: l3's router, ext-gw-mode and extraroute (routes is PUT-only). */
export const routerAttributes: AttributeMap = {
  id: { post: false, put: false },
  name: { post: true, put: true, default: '', validate: isString(255) },
  description: { post: true, put: true, default: '', validate: isString(255) },
  admin_state_up: { post: true, put: true, default: true, convert: toBoolean },
  status: { post: false, put: false },
  tenant_id: projectId,
  project_id: projectId,
  external_gateway_info: {
    post: true,
    put: true,
    default: null,
    convert: convertGateway,
    validate: isGateway,
  },
  routes: { post: false, put: true, default: [], convert: noneToEmptyList, validate: isRoutes },
};

function isRoutes(v: unknown): string | undefined {
  if (!Array.isArray(v)) return `Invalid data format for hostroute: '${pyStr(v)}'`;
  const seen = new Set<string>();
  for (const r of v as unknown[]) {
    const bad = isHostRoute(r);
    if (bad !== undefined) return bad;
    const key = JSON.stringify([
      (r as Record<string, unknown>)['destination'],
      (r as Record<string, unknown>)['nexthop'],
    ]);
    if (seen.has(key)) return `Duplicate hostroute '${pyStr(r)}'`;
    seen.add(key);
  }
  return undefined;
}

/** The interface body of add/remove_router_interface. */
export interface InterfaceInfo {
  readonly subnet_id?: string;
  readonly port_id?: string;
}
