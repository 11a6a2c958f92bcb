import type { Microversion } from '../common/http/microversion.js';
import { InputError } from '../common/errors.js';
import { badQuery, badRequest, placementCodes } from './placement-errors.js';
import { atLeast } from './placement-version.js';

type Versioned = { readonly microversion: Microversion | undefined };

const uuidPattern = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;

/** Placement's canonical UUID form: lower case with dashes. */
export function normalizeUuid(text: string): string | undefined {
  if (!uuidPattern.test(text)) return undefined;
  const hex = text.replace(/-/g, '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function queryUuid(name: string, value: string): string {
  const u = normalizeUuid(value);
  if (u === undefined) throw badRequest(`Invalid query string parameters: '${value}' is not a 'uuid'`);
  return u;
}

export interface MemberOf {
  /** Each inner list is one parameter: the provider must be in at least one of its aggregates. */
  readonly anyOf: ReadonlyArray<ReadonlyArray<string>>;
  /** The provider must be in none of these (1.32 `!`). */
  readonly noneOf: ReadonlyArray<string>;
}

/** `member_of=in:a,b`, repeated (1.24) and negated with `!` (1.32). */
export function parseMemberOf(ctx: Versioned, values: ReadonlyArray<string>): MemberOf {
  if (values.length > 1 && !atLeast(ctx, 24)) {
    throw new InputError(
      placementCodes.duplicateQueryKey,
      `Query parameter 'member_of' may be specified only once.`,
    );
  }
  const anyOf: string[][] = [];
  const noneOf: string[] = [];
  for (const raw of values) {
    const negative = atLeast(ctx, 32) && raw.startsWith('!');
    const body = negative ? raw.slice(1) : raw;
    if (negative && body.includes('!'))
      throw badQuery(`Invalid query string parameters: Forbidden member_of '${raw}'.`);
    const list = body.startsWith('in:') ? body.slice(3).split(',') : [body];
    if (!body.startsWith('in:') && body.includes(',')) {
      throw badRequest(
        `Invalid query string parameters: Multiple values for 'member_of' must be prefixed with the 'in:' keyword. Got: ${raw}`,
      );
    }
    const uuids = list.map((v) => {
      const u = normalizeUuid(v);
      if (u === undefined) {
        throw badRequest(
          `Invalid query string parameters: Expected 'member_of' parameter to contain valid UUID(s). Got: ${raw}`,
        );
      }
      return u;
    });
    if (negative) noneOf.push(...uuids);
    else anyOf.push(uuids);
  }
  return { anyOf, noneOf };
}

export interface TraitQuery {
  readonly required: ReadonlyArray<string>;
  readonly forbidden: ReadonlyArray<string>;
  /** Each inner list is one `in:` group (1.39): at least one of its traits. */
  readonly anyOf: ReadonlyArray<ReadonlyArray<string>>;
}

export const noTraits: TraitQuery = { required: [], forbidden: [], anyOf: [] };

/** `required=A,!B` (forbidden from 1.22), `required=in:C,D` and repeats (1.39). */
export function parseRequired(ctx: Versioned, name: string, values: ReadonlyArray<string>): TraitQuery {
  const required: string[] = [];
  const forbidden: string[] = [];
  const anyOf: string[][] = [];
  for (const raw of values) {
    if (raw === '' || raw.split(',').some((t) => t === '' || t === '!')) {
      throw badRequest(
        `Invalid query string parameters: Expected '${name}' parameter value of the form: HW_CPU_X86_VMX,CUSTOM_MAGIC. Got: ${raw}`,
      );
    }
    if (atLeast(ctx, 39) && raw.startsWith('in:')) {
      anyOf.push(raw.slice(3).split(','));
      continue;
    }
    for (const t of raw.split(',')) {
      if (atLeast(ctx, 22) && t.startsWith('!')) forbidden.push(t.slice(1));
      else required.push(t);
    }
  }
  const conflicting = required.filter((t) => forbidden.includes(t));
  if (conflicting.length > 0) {
    throw badRequest(
      `Invalid query string parameters: Conflicting required and forbidden traits found in the following traits keys: ${name}: (${conflicting.join(', ')})`,
    );
  }
  return { required, forbidden, anyOf };
}

/** Every trait name a query mentions, to check they exist. */
export function traitNames(q: TraitQuery): string[] {
  return [...q.required, ...q.forbidden, ...q.anyOf.flat()];
}

/** `resources=VCPU:2,MEMORY_MB:512`. */
export function parseResources(name: string, raw: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pair of raw.split(',')) {
    const m = /^([A-Z0-9_]+):(.*)$/.exec(pair.trim());
    if (m === null) {
      throw badRequest(
        `Badly formed ${name} parameter. Expected ${name} query string parameter in form: ?${name}=VCPU:2,MEMORY_MB:1024. Got: ${raw}.`,
      );
    }
    const amount = Number(m[2]);
    if (!/^\d+$/.test(m[2]!) || amount < 1) {
      throw badRequest(`Requested resource ${m[1]} expected positive integer amount. Got: ${m[2]}.`);
    }
    if (out[m[1]!] !== undefined) {
      throw badRequest(`Invalid query string parameters: duplicate resource class ${m[1]} in ${name}.`);
    }
    out[m[1]!] = amount;
  }
  return out;
}
