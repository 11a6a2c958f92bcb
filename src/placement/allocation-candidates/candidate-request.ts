import type { RequestContext } from '../../common/http/route-spec.js';
import { badRequest } from '../placement-errors.js';
import { checkQueryKeys, multi, single } from '../placement-http.js';
import type { MemberOf, TraitQuery } from '../placement-query.js';
import { noTraits, parseMemberOf, parseRequired, parseResources, queryUuid } from '../placement-query.js';
import { atLeast } from '../placement-version.js';

/** One request group: '' is the unsuffixed group, whose resources may come from several providers. */
export interface RequestGroup {
  readonly suffix: string;
  readonly resources: Readonly<Record<string, number>>;
  readonly traits: TraitQuery;
  readonly memberOf: MemberOf;
  readonly inTree?: string;
}

export interface CandidateRequest {
  readonly groups: ReadonlyArray<RequestGroup>;
  readonly groupPolicy?: 'none' | 'isolate';
  readonly limit?: number;
  readonly rootRequired: TraitQuery;
  /** Each list names suffixes whose providers must share a subtree rooted at one of them. */
  readonly sameSubtree: ReadonlyArray<ReadonlyArray<string>>;
}

const kinds = ['resources', 'required', 'member_of', 'in_tree'] as const;

/** Query keys by microversion, as Placement's GET_SCHEMA_1_x list them. */
function allowedKeys(ctx: RequestContext): Array<string | RegExp> {
  if (!atLeast(ctx, 25)) {
    const keys = ['resources'];
    if (atLeast(ctx, 16)) keys.push('limit');
    if (atLeast(ctx, 17)) keys.push('required');
    if (atLeast(ctx, 21)) keys.push('member_of');
    return keys;
  }
  const suffix = atLeast(ctx, 33) ? '[a-zA-Z0-9_-]{1,64}' : '[1-9][0-9]*';
  const grouped = atLeast(ctx, 31) ? kinds : kinds.filter((k) => k !== 'in_tree');
  const keys: Array<string | RegExp> = [
    'limit',
    'group_policy',
    new RegExp(`^(${grouped.join('|')})(${suffix})?$`),
  ];
  if (atLeast(ctx, 35)) keys.push('root_required');
  if (atLeast(ctx, 36)) keys.push('same_subtree');
  return keys;
}

/** Parses GET /allocation_candidates' query into request groups and request-wide options. */
export function parseCandidateRequest(ctx: RequestContext): CandidateRequest {
  const q = ctx.query;
  checkQueryKeys(q, allowedKeys(ctx));
  if (!atLeast(ctx, 25) && q['resources'] === undefined) {
    throw badRequest(`Invalid query string parameters: 'resources' is a required property`);
  }
  const suffixes = new Set<string>();
  for (const key of Object.keys(q)) {
    const m = /^(resources|required|member_of|in_tree)(.*)$/.exec(key);
    if (m !== null) suffixes.add(m[2]!);
  }
  const groups = [...suffixes].sort().map((s) => parseGroup(ctx, s));
  const sameSubtree = multi(q, 'same_subtree').map((v) => v.split(','));
  checkGroups(groups, sameSubtree);
  return { groups, sameSubtree, ...requestWide(ctx, groups) };
}

/** group_policy (required with several suffixed groups), limit and root_required. */
function requestWide(ctx: RequestContext, groups: ReadonlyArray<RequestGroup>) {
  const q = ctx.query;
  const policy = single(q, 'group_policy');
  if (policy !== undefined && policy !== 'none' && policy !== 'isolate') {
    throw badRequest(`Invalid query string parameters: '${policy}' is not one of ['none', 'isolate']`);
  }
  const suffixed = groups.filter((g) => g.suffix !== '' && Object.keys(g.resources).length > 0);
  if (policy === undefined && suffixed.length > 1) {
    throw badRequest(
      'The "group_policy" parameter is required when specifying more than one "resources{N}" parameter.',
    );
  }
  const limit = single(q, 'limit');
  if (limit !== undefined && !/^[1-9][0-9]*$/.test(limit)) {
    throw badRequest(`Invalid query string parameters: '${limit}' does not match '^[1-9][0-9]*$'`);
  }
  const root =
    q['root_required'] === undefined
      ? noTraits
      : parseRequired(ctx, 'root_required', multi(q, 'root_required'));
  if (root.anyOf.length > 0)
    throw badRequest('Invalid query string parameters: root_required does not accept in: groups.');
  return {
    ...(policy !== undefined && { groupPolicy: policy as 'none' | 'isolate' }),
    ...(limit !== undefined && { limit: Number(limit) }),
    rootRequired: root,
  };
}

function parseGroup(ctx: RequestContext, suffix: string): RequestGroup {
  const q = ctx.query;
  const resources = single(q, `resources${suffix}`);
  const inTree = single(q, `in_tree${suffix}`);
  const required = multi(q, `required${suffix}`);
  return {
    suffix,
    resources: resources === undefined ? {} : parseResources(`resources${suffix}`, resources),
    traits: required.length === 0 ? noTraits : parseRequired(ctx, `required${suffix}`, required),
    memberOf: parseMemberOf(ctx, multi(q, `member_of${suffix}`)),
    ...(inTree !== undefined && { inTree: queryUuid(`in_tree${suffix}`, inTree) }),
  };
}

/** Resourceless groups are allowed only when same_subtree names them (1.36). */
function checkGroups(
  groups: ReadonlyArray<RequestGroup>,
  sameSubtree: ReadonlyArray<ReadonlyArray<string>>,
): void {
  if (groups.every((g) => Object.keys(g.resources).length === 0)) {
    throw badRequest('At least one request group (`resources` or `resources{N}`) is required.');
  }
  const inSubtree = new Set(sameSubtree.flat());
  for (const g of groups) {
    if (Object.keys(g.resources).length > 0 || (g.suffix !== '' && inSubtree.has(g.suffix))) continue;
    throw badRequest(
      `All traits parameters must be associated with resources. Found the following orphaned traits keys: required${g.suffix}`,
    );
  }
  const known = new Set(groups.map((g) => g.suffix));
  for (const s of inSubtree) {
    if (!known.has(s)) {
      throw badRequest(`Unknown request group suffix in same_subtree: ${s}`);
    }
  }
}
