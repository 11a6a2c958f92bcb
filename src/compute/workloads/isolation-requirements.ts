import { InputError } from '../../common/errors.js';
import {
  isIsolationValue,
  isolationExtraSpec,
  isolationOf,
  isolationSettings,
  isolationValues,
  vmIsolationTrait,
} from '../../agent/drivers/container-isolation.js';
import type { ComputeImage } from '../compute-deps.js';
import { kindTraits, workloadKindOf } from './image-requirements.js';

const allowed = isolationValues.join(', ');

/** PUT/POST os-extra_specs: `hw:container_isolation` is `none` or `vm` (400 otherwise, nothing stored). */
export function checkIsolationExtraSpec(specs: Readonly<Record<string, string>>): void {
  const value = specs[isolationExtraSpec];
  if (value !== undefined && !isIsolationValue(value))
    throw new InputError(
      'compute.flavor.extra_spec_invalid',
      `Validation failed; extra spec ${isolationExtraSpec}: '${value}' is not one of: ${allowed}.`,
    );
}

/** POST /servers: a bad value on the image (or a flavor stored before validation) is 400. */
export function checkIsolationRequest(
  image: ComputeImage | undefined,
  extraSpecs: Readonly<Record<string, string>>,
): void {
  for (const { key, value } of isolationSettings(extraSpecs, image?.properties ?? {})) {
    if (isIsolationValue(value)) continue;
    const where = key === isolationExtraSpec ? 'flavor extra spec' : 'image property';
    throw new InputError(
      'compute.server.isolation_invalid',
      `Invalid ${where} ${key}: '${value}' is not one of: ${allowed}.`,
    );
  }
}

/**
 * A container asking for VM isolation needs a host with the microvm driver (its trait) in
 * place of a plain container host; anything else is unchanged.
 */
export function withIsolationTraits(
  traits: ReadonlyArray<string>,
  image: ComputeImage | undefined,
  extraSpecs: Readonly<Record<string, string>>,
): string[] {
  const vm =
    workloadKindOf(image) === 'container' && isolationOf(extraSpecs, image?.properties ?? {}) === 'vm';
  if (!vm) return [...traits];
  return [...traits.filter((t) => t !== kindTraits.container), vmIsolationTrait];
}
