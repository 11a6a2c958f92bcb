import type { WorkloadSpec } from './driver.js';

/**
 * How a container is isolated from its host: `none` (the default), a runc container sharing
 * the host kernel; `vm`, its own kernel in a QEMU microVM (Kata Containers' idea). Asked by
 * the flavor extra spec `hw:container_isolation`, or the image property of that name (or
 * `hw_container_isolation`, Nova's spelling for image properties).
 */
export type ContainerIsolation = 'none' | 'vm';

export const isolationExtraSpec = 'hw:container_isolation';
export const isolationImageProperties = ['hw_container_isolation', 'hw:container_isolation'] as const;
export const isolationValues: ReadonlyArray<ContainerIsolation> = ['none', 'vm'];

/** Hosts that run VM-isolated containers advertise this trait (the microvm driver's probe). */
export const vmIsolationTrait = 'CUSTOM_STRATA_CONTAINER_VM_ISOLATION';

export function isIsolationValue(v: string): v is ContainerIsolation {
  return (isolationValues as ReadonlyArray<string>).includes(v);
}

/** Every value set on the flavor or the image, with where it was set (for validation). */
export function isolationSettings(
  extraSpecs: Readonly<Record<string, string>>,
  imageProperties: Readonly<Record<string, string>>,
): Array<{ readonly key: string; readonly value: string }> {
  const found: Array<{ key: string; value: string }> = [];
  const fromFlavor = extraSpecs[isolationExtraSpec];
  if (fromFlavor !== undefined) found.push({ key: isolationExtraSpec, value: fromFlavor });
  for (const key of isolationImageProperties) {
    const v = imageProperties[key];
    if (v !== undefined) found.push({ key, value: v });
  }
  return found;
}

/** `vm` when the flavor or the image asks for it (values are validated by the API at create). */
export function isolationOf(
  extraSpecs: Readonly<Record<string, string>>,
  imageProperties: Readonly<Record<string, string>>,
): ContainerIsolation {
  return isolationSettings(extraSpecs, imageProperties).some((s) => s.value === 'vm') ? 'vm' : 'none';
}

export function specIsolation(spec: WorkloadSpec): ContainerIsolation {
  return spec.kind === 'container' ? isolationOf(spec.extraSpecs, spec.image.properties) : 'none';
}
