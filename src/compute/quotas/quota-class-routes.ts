import Type from 'typebox';
import type { TSchema } from 'typebox';
import { InputError } from '../../common/errors.js';
import type { Microversion } from '../../common/http/microversion.js';
import { atLeast, rejectFieldsFrom } from '../../common/http/microversion.js';
import { route } from '../../common/http/route-spec.js';
import type { ComputeDeps } from '../compute-deps.js';
import type { QuotaLimits, QuotaResource } from './quota-resources.js';
import { isQuotaResource, quotaResources } from './quota-resources.js';
import { limit } from './quota-schemas.js';
import { quotaDefaults } from './quota-service.js';
import { getQuotaClass, upsertQuotaClass } from './quota-store.js';
import { quotaClassResponse } from './quota-response-schemas.js';

const base = '/v2.1/os-quota-class-sets/:id';

/** Nova's quota class rules: admins only. */
export const quotaClassPolicy: Readonly<Record<string, string>> = {
  'os_compute_api:os-quota-class-sets:show': 'rule:context_is_admin',
  'os_compute_api:os-quota-class-sets:update': 'rule:context_is_admin',
};

/** 2.50 shows the server group quotas and drops nova-network's; 2.57 drops the file injection ones. */
const serverGroupQuotas = ['server_groups', 'server_group_members'];
const networkQuotas = ['fixed_ips', 'floating_ips', 'security_group_rules', 'security_groups'];
const injectionQuotas = ['injected_files', 'injected_file_content_bytes', 'injected_file_path_bytes'];

function hiddenAt(mv: Microversion | undefined): ReadonlyArray<string> {
  if (atLeast(mv, [2, 57])) return [...networkQuotas, ...injectionQuotas];
  if (atLeast(mv, [2, 50])) return networkQuotas;
  return serverGroupQuotas;
}

/** `{"quota_class_set": {...}}`: the id on GET only, as Nova answers. */
function quotaClassView(limits: QuotaLimits, mv: Microversion | undefined, id?: string) {
  const body: Record<string, string | number> = id === undefined ? {} : { id };
  const hidden = hiddenAt(mv);
  for (const r of quotaResources) if (!hidden.includes(r)) body[r] = limits[r];
  return { quota_class_set: body };
}

const quotaClassBody = Type.Object(
  {
    quota_class_set: Type.Object(
      Object.fromEntries(quotaResources.map((r) => [r, Type.Optional(limit(r))])) as Record<string, TSchema>,
      { additionalProperties: false, description: 'Class limits to set; others are unchanged.' },
    ),
  },
  { additionalProperties: false, description: "Request body with a 'quota_class_set' object." },
);

/** A class's limits: the configured defaults, with what was set for the class over them. */
async function classLimits(deps: ComputeDeps, id: string): Promise<QuotaLimits> {
  return { ...quotaDefaults(deps), ...(await getQuotaClass(deps.store.db, id)) };
}

/** os-quota-class-sets: per-class limits; the class 'default' sets every project's defaults. */
export const quotaClassRoutes = [
  route<ComputeDeps>({
    method: 'GET',
    url: base,
    policy: 'os_compute_api:os-quota-class-sets:show',
    target: () => ({}),
    successStatus: 200,
    response: quotaClassResponse,
    expectedErrors: [],
    handler: async (ctx, deps) =>
      quotaClassView(await classLimits(deps, ctx.params['id']!), ctx.microversion, ctx.params['id']!),
  }),
  route<ComputeDeps, typeof quotaClassBody>({
    method: 'PUT',
    url: base,
    policy: 'os_compute_api:os-quota-class-sets:update',
    target: () => ({}),
    body: quotaClassBody,
    successStatus: 200,
    response: quotaClassResponse,
    expectedErrors: [400],
    handler: async (ctx, deps) => {
      const id = ctx.params['id']!;
      const set = ctx.body.quota_class_set as Readonly<Record<string, unknown>>;
      // The schema of 2.50 (2.57) no longer knows the quotas it hides.
      rejectFieldsFrom(ctx.microversion, [2, 50], 'quota_class_set', set, hiddenAt(ctx.microversion));
      if (id.length > 255)
        throw new InputError(
          'compute.quota_class.bad_name',
          'Invalid input received: quota_class_name has a maximum length of 255.',
        );
      const values: Partial<Record<QuotaResource, number>> = {};
      for (const [k, v] of Object.entries(set)) if (isQuotaResource(k)) values[k] = checked(k, Number(v));
      await deps.store.db.transaction().execute((tx) => upsertQuotaClass(tx, id, values));
      return quotaClassView(await classLimits(deps, id), ctx.microversion);
    },
  }),
];

function checked(resource: string, value: number): number {
  if (!Number.isInteger(value) || value < -1 || value > 0x7fffffff)
    throw new InputError(
      'compute.quota_class.range',
      `Invalid input for field 'quota_class_set/${resource}': ${value} is out of range`,
    );
  return value;
}
