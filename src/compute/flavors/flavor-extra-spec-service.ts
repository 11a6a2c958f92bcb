import { InputError, NotFoundError } from '../../common/errors.js';
import type { ComputeDeps } from '../compute-deps.js';
import type { FlavorCaller } from './flavor-service.js';
import { findFlavor, flavorNotFound } from './flavor-service.js';
import * as store from './flavor-store.js';
import { checkIsolationExtraSpec } from '../workloads/isolation-requirements.js';

type SpecValues = Readonly<Record<string, string | number>>;

const noSuchKey = (flavorId: string, key: string) =>
  new NotFoundError(
    'compute.flavor.extra_spec_not_found',
    `Flavor ${flavorId} has no extra specs with key ${key}.`,
  );

/** Numbers are stored as text (Nova's column is a string); a number longer than 255 characters is 400. */
function asText(specs: SpecValues): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(specs)) {
    const text = String(v);
    if (text.length > 255) {
      throw new InputError(
        'compute.flavor.extra_spec_too_long',
        'Invalid input received: extra_specs value has more than 255 characters.',
      );
    }
    out[k] = text;
  }
  return out;
}

export async function listExtraSpecs(
  deps: ComputeDeps,
  caller: FlavorCaller,
  flavorId: string,
): Promise<Readonly<Record<string, string>>> {
  return (await findFlavor(deps, caller, flavorId)).extraSpecs;
}

export async function showExtraSpec(
  deps: ComputeDeps,
  caller: FlavorCaller,
  flavorId: string,
  key: string,
): Promise<Record<string, string>> {
  const specs = await listExtraSpecs(deps, caller, flavorId);
  const value = specs[key];
  if (value === undefined) throw noSuchKey(flavorId, key);
  return { [key]: value };
}

/** Merges `specs` into the flavor's extra specs in one transaction (read-modify-write). */
export async function mergeExtraSpecs(deps: ComputeDeps, flavorId: string, specs: SpecValues): Promise<void> {
  const text = asText(specs);
  checkIsolationExtraSpec(text);
  await deps.store.db.transaction().execute(async (tx) => {
    const f = await store.getFlavor(tx, flavorId);
    if (f === undefined) throw flavorNotFound(flavorId);
    await store.setExtraSpecs(tx, flavorId, { ...f.extraSpecs, ...text });
  });
}

/** PUT .../os-extra_specs/{key}: the body's single key must be the URL's. */
export async function updateExtraSpec(
  deps: ComputeDeps,
  flavorId: string,
  key: string,
  body: SpecValues,
): Promise<void> {
  if (!(key in body))
    throw new InputError('compute.flavor.extra_spec_mismatch', 'Request body and URI mismatch');
  await mergeExtraSpecs(deps, flavorId, body);
}

export async function deleteExtraSpec(deps: ComputeDeps, flavorId: string, key: string): Promise<void> {
  await deps.store.db.transaction().execute(async (tx) => {
    const f = await store.getFlavor(tx, flavorId);
    if (f === undefined) throw flavorNotFound(flavorId);
    if (!(key in f.extraSpecs)) throw noSuchKey(flavorId, key);
    const rest = Object.fromEntries(Object.entries(f.extraSpecs).filter(([k]) => k !== key));
    await store.setExtraSpecs(tx, flavorId, rest);
  });
}
