import type { Microversion } from '../../common/http/microversion.js';
import { atLeast } from '../../common/http/microversion.js';
import type { QuotaLimits, QuotaResource } from './quota-resources.js';
import { quotaResources } from './quota-resources.js';

/** nova-network's quotas, gone from the API at 2.36 (the network service owns them). */
export const networkQuotas: ReadonlyArray<string> = [
  'fixed_ips',
  'floating_ips',
  'security_group_rules',
  'security_groups',
];
export const withoutNetworkQuotas: Microversion = [2, 36];

/** File injection's quotas, gone at 2.57 with personality (user_data carries files). */
export const injectionQuotas: ReadonlyArray<string> = [
  'injected_files',
  'injected_file_content_bytes',
  'injected_file_path_bytes',
];
export const withoutInjectionQuotas: Microversion = [2, 57];

/** The quotas an answer at this microversion names. */
function hidden(mv: Microversion | undefined): ReadonlyArray<string> {
  return [
    ...(atLeast(mv, withoutNetworkQuotas) ? networkQuotas : []),
    ...(atLeast(mv, withoutInjectionQuotas) ? injectionQuotas : []),
  ];
}

function shown(mv: Microversion | undefined): ReadonlyArray<QuotaResource> {
  const gone = hidden(mv);
  return quotaResources.filter((r) => !gone.includes(r));
}
import type { QuotaUsage } from './quota-service.js';

/** `{"quota_set": {...}}`; Nova leaves the id out of the PUT answer. */
export function quotaSetView(limits: QuotaLimits, mv: Microversion | undefined, projectId?: string) {
  const body: Record<string, number | string> = projectId === undefined ? {} : { id: projectId };
  for (const r of shown(mv)) body[r] = limits[r];
  return { quota_set: body };
}

/** The detail view: in_use, limit and reserved (always 0: Nova no longer reserves). */
export function quotaDetailView(
  projectId: string,
  limits: QuotaLimits,
  usage: QuotaUsage,
  mv: Microversion | undefined,
) {
  const body: Record<string, unknown> = { id: projectId };
  for (const r of shown(mv)) body[r] = { in_use: usage[r], limit: limits[r], reserved: 0 };
  return { quota_set: body };
}

// Nova's absolute-limit names; metadata_items feeds both server and image metadata at 2.1.
const absoluteNames: ReadonlyArray<readonly [keyof QuotaLimits, string]> = [
  ['ram', 'maxTotalRAMSize'],
  ['instances', 'maxTotalInstances'],
  ['cores', 'maxTotalCores'],
  ['key_pairs', 'maxTotalKeypairs'],
  ['floating_ips', 'maxTotalFloatingIps'],
  ['metadata_items', 'maxServerMeta'],
  ['metadata_items', 'maxImageMeta'],
  ['injected_files', 'maxPersonality'],
  ['injected_file_content_bytes', 'maxPersonalitySize'],
  ['security_groups', 'maxSecurityGroups'],
  ['security_group_rules', 'maxSecurityGroupRules'],
  ['server_groups', 'maxServerGroups'],
  ['server_group_members', 'maxServerGroupMembers'],
];

const usedNames: ReadonlyArray<readonly [keyof QuotaUsage, string]> = [
  ['ram', 'totalRAMUsed'],
  ['cores', 'totalCoresUsed'],
  ['instances', 'totalInstancesUsed'],
  ['floating_ips', 'totalFloatingIpsUsed'],
  ['security_groups', 'totalSecurityGroupsUsed'],
  ['server_groups', 'totalServerGroupsUsed'],
];

/** 2.39 drops the image-metadata limit (the image service owns it). */
function shownLimit(name: string, mv: Microversion | undefined): boolean {
  return !(name === 'maxImageMeta' && atLeast(mv, [2, 39]));
}

/** GET /limits: absolute limits and usage; rate limits are not enforced, so `rate` is empty. */
export function limitsView(limits: QuotaLimits, usage: QuotaUsage, mv: Microversion | undefined) {
  const absolute: Record<string, number> = {};
  const gone = hidden(mv);
  const keep = (r: string) => !gone.includes(r);
  for (const [r, name] of absoluteNames) if (keep(r) && shownLimit(name, mv)) absolute[name] = limits[r];
  for (const [r, name] of usedNames) if (keep(r)) absolute[name] = usage[r];
  return { limits: { rate: [], absolute } };
}
