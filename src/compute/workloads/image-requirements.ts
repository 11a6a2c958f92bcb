import { InputError } from '../../common/errors.js';
import type { WorkloadKind } from '../../agent/drivers/driver.js';
import type { ComputeDeps, ComputeImage } from '../compute-deps.js';

/** Hosts whose drivers run VMs / containers advertise these (drivers' probe traits). */
export const kindTraits = { vm: 'CUSTOM_STRATA_VM', container: 'CUSTOM_STRATA_CONTAINER' } as const;

/** A container image: `docker` container format, or an explicit `strata_workload=container`. */
export function workloadKindOf(image: ComputeImage | undefined): Exclude<WorkloadKind, 'baremetal'> {
  return image?.containerFormat === 'docker' || image?.properties['strata_workload'] === 'container'
    ? 'container'
    : 'vm';
}

/**
 * Traits a host needs to run the image: its workload kind and, for VMs, the disk format
 * (Nova's image-type prefilter asks for the same standard COMPUTE_IMAGE_TYPE_* trait).
 */
export function imageTraits(image: ComputeImage | undefined): string[] {
  const kind = workloadKindOf(image);
  if (kind === 'container' || image?.diskFormat == null) return [kindTraits[kind]];
  return [kindTraits[kind], `COMPUTE_IMAGE_TYPE_${image.diskFormat.toUpperCase()}`];
}

/**
 * Trait sets some host was seen to have, per store. Only yes is remembered: a new host
 * must be usable at once, and a host that left makes scheduling say NoValidHost anyway.
 */
const runnable = new WeakMap<object, Set<string>>();

/**
 * Refuses (400, before anything is written) an image that no host in the cloud can run,
 * naming the format: scheduling it would only end in NoValidHost.
 */
export async function checkSomeHostRuns(
  deps: Pick<ComputeDeps, 'store'>,
  image: ComputeImage,
  /** What the server needs of its host (more than the image's, e.g. VM isolation). */
  traits: ReadonlyArray<string> = imageTraits(image),
): Promise<void> {
  const key = traits.join(' ');
  const known = runnable.get(deps.store) ?? new Set<string>();
  if (known.has(key)) return;
  const row = await deps.store.db
    .selectFrom('compute_hosts as h')
    .innerJoin('resource_provider_traits as t', 't.provider_uuid', 'h.provider_id')
    .select('h.provider_id')
    .where('t.trait', 'in', traits)
    .groupBy('h.provider_id')
    .having((eb) => eb.fn.count('t.trait'), '=', traits.length)
    .limit(1)
    .executeTakeFirst();
  if (row !== undefined) {
    runnable.set(deps.store, known.add(key));
    return;
  }
  const what =
    workloadKindOf(image) !== 'container'
      ? `disk_format ${image.diskFormat ?? 'none'}`
      : traits.includes(kindTraits.container)
        ? `container images (container_format ${image.containerFormat ?? 'none'})`
        : 'VM-isolated containers (hw:container_isolation=vm)';
  throw new InputError(
    'compute.server.image_unacceptable',
    `Image ${image.id} is unacceptable: no compute host in this cloud runs ${what}.`,
  );
}
