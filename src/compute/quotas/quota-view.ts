import type { QuotaLimits } from './quota-resources.js';
import { quotaResources } from './quota-resources.js';
import type { QuotaUsage } from './quota-service.js';

/** `{"quota_set": {...}}`; Nova leaves the id out of the PUT answer. */
export function quotaSetView(limits: QuotaLimits, projectId?: string) {
  const body: Record<string, number | string> = projectId === undefined ? {} : { id: projectId };
  for (const r of quotaResources) body[r] = limits[r];
  return { quota_set: body };
}

/** The detail view: in_use, limit and reserved (always 0: Nova no longer reserves). */
export function quotaDetailView(projectId: string, limits: QuotaLimits, usage: QuotaUsage) {
  const body: Record<string, unknown> = { id: projectId };
  for (const r of quotaResources) body[r] = { in_use: usage[r], limit: limits[r], reserved: 0 };
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

/** GET /limits: absolute limits and usage; rate limits are not enforced, so `rate` is empty. */
export function limitsView(limits: QuotaLimits, usage: QuotaUsage) {
  const absolute: Record<string, number> = {};
  for (const [r, name] of absoluteNames) absolute[name] = limits[r];
  for (const [r, name] of usedNames) absolute[name] = usage[r];
  return { limits: { rate: [], absolute } };
}
