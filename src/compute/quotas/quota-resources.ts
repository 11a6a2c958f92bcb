import type { StrataConfig } from '../../common/config.js';

/** Nova's quota resources at microversion 2.1, in the alphabetical order its views use. */
export const quotaResources = [
  'cores',
  'fixed_ips',
  'floating_ips',
  'injected_file_content_bytes',
  'injected_file_path_bytes',
  'injected_files',
  'instances',
  'key_pairs',
  'metadata_items',
  'ram',
  'security_group_rules',
  'security_groups',
  'server_group_members',
  'server_groups',
] as const;

export type QuotaResource = (typeof quotaResources)[number];

/** A limit per resource; -1 means unlimited. */
export type QuotaLimits = Readonly<Record<QuotaResource, number>>;

/** Nova's [quota] defaults; the nova-network leftovers are unlimited (-1), as Nova reports them. */
export const novaQuotaDefaults: QuotaLimits = {
  cores: 20,
  fixed_ips: -1,
  floating_ips: -1,
  injected_file_content_bytes: 10_240,
  injected_file_path_bytes: 255,
  injected_files: 5,
  instances: 10,
  key_pairs: 100,
  metadata_items: 128,
  ram: 51_200,
  security_group_rules: -1,
  security_groups: -1,
  server_group_members: 10,
  server_groups: 10,
};

export function isQuotaResource(name: string): name is QuotaResource {
  return (quotaResources as ReadonlyArray<string>).includes(name);
}

/**
 * The defaults every project starts from: Nova's, overridden by `computeQuotaDefaults` in
 * the configuration (Nova's option name `injected_file_path_length` is accepted too).
 */
export function computeQuotaDefaults(config: Pick<StrataConfig, 'computeQuotaDefaults'>): QuotaLimits {
  const out: Record<QuotaResource, number> = { ...novaQuotaDefaults };
  for (const [name, value] of Object.entries(config.computeQuotaDefaults ?? {})) {
    const key = name === 'injected_file_path_length' ? 'injected_file_path_bytes' : name;
    if (isQuotaResource(key) && Number.isInteger(value)) out[key] = value;
  }
  return out;
}

/** Enforcement takes ready limits, or the configuration they come from (`deps.config`). */
export type QuotaDefaultsSource = QuotaLimits | Pick<StrataConfig, 'computeQuotaDefaults'>;

export function resolveQuotaDefaults(source: QuotaDefaultsSource): QuotaLimits {
  return 'computeQuotaDefaults' in source ? computeQuotaDefaults(source) : source;
}
