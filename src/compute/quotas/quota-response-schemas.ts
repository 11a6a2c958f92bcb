import Type from 'typebox';
import type { TSchema } from 'typebox';
import { byMicroversion, int, str, strict } from '../../common/http/response-schemas.js';

/**
 * Nova's quota bodies (api-ref "Quota sets", "Quota classes", "Limits"): nova-network's
 * quotas go at 2.36 (quota classes keep them until 2.50), file injection's at 2.57.
 */

const always = ['cores', 'instances', 'key_pairs', 'metadata_items', 'ram'];
const network = ['fixed_ips', 'floating_ips', 'security_group_rules', 'security_groups'];
const injection = ['injected_file_content_bytes', 'injected_file_path_bytes', 'injected_files'];
const groups = ['server_group_members', 'server_groups'];

function fields(names: ReadonlyArray<string>, each: TSchema, id: 'id' | 'none' | 'optional') {
  const props: Record<string, TSchema> = Object.fromEntries(names.map((n) => [n, each]));
  if (id === 'id') props['id'] = str;
  if (id === 'optional') props['id'] = Type.Optional(str);
  return strict(props);
}

function quotaNames(since: (v: string) => boolean, networkGoneAt: string): string[] {
  return [
    ...always,
    ...(since(networkGoneAt) ? [] : network),
    ...(since('2.57') ? [] : injection),
    ...groups,
  ];
}

const detail = strict({ in_use: int, limit: int, reserved: int });

/** GET (with the id) and PUT (without it) answer the same shape. */
export const quotaSetResponse = byMicroversion(['2.36', '2.57'], (since) =>
  strict({ quota_set: fields(quotaNames(since, '2.36'), int, 'optional') }),
);

export const quotaDetailResponse = byMicroversion(['2.36', '2.57'], (since) =>
  strict({ quota_set: fields(quotaNames(since, '2.36'), detail, 'id') }),
);

/** Quota classes: the server group quotas only from 2.50, when nova-network's go. */
export const quotaClassResponse = byMicroversion(['2.50', '2.57'], (since) => {
  const names = since('2.50') ? quotaNames(since, '2.50') : [...always, ...network, ...injection];
  return strict({ quota_class_set: fields(names, int, 'optional') });
});

const absoluteLimits = (since: (v: string) => boolean) => {
  const names = [
    'maxTotalRAMSize',
    'maxTotalInstances',
    'maxTotalCores',
    'maxTotalKeypairs',
    'maxServerMeta',
    'maxServerGroups',
    'maxServerGroupMembers',
    'totalRAMUsed',
    'totalCoresUsed',
    'totalInstancesUsed',
    'totalServerGroupsUsed',
    ...(since('2.36')
      ? []
      : [
          'maxTotalFloatingIps',
          'maxSecurityGroups',
          'maxSecurityGroupRules',
          'totalFloatingIpsUsed',
          'totalSecurityGroupsUsed',
        ]),
    ...(since('2.39') ? [] : ['maxImageMeta']),
    ...(since('2.57') ? [] : ['maxPersonality', 'maxPersonalitySize']),
  ];
  return fields(names, int, 'none');
};

export const limitsResponse = byMicroversion(['2.36', '2.39', '2.57'], (since) =>
  strict({ limits: strict({ rate: Type.Array(Type.Unknown()), absolute: absoluteLimits(since) }) }),
);
