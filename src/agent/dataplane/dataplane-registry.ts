import { FakeDataplane } from './fake/fake-dataplane.js';
import { LinuxDataplane } from './linux/linux-dataplane.js';
import type { LinuxDataplaneOptions } from './linux/linux-dataplane.js';
import type { NetworkDataplane } from './network-dataplane.js';

/** Adding a dataplane: one folder and one entry here. */
export const dataplanes = {
  fake: { create: (): NetworkDataplane => new FakeDataplane() },
  linux: { create: (o?: LinuxDataplaneOptions): NetworkDataplane => new LinuxDataplane(o) },
} as const satisfies Record<string, { create(o?: LinuxDataplaneOptions): NetworkDataplane }>;

export type DataplaneName = keyof typeof dataplanes;

export function isDataplaneName(name: string): name is DataplaneName {
  return Object.hasOwn(dataplanes, name);
}

export function createDataplane(name: DataplaneName, o?: LinuxDataplaneOptions): NetworkDataplane {
  return dataplanes[name].create(o);
}
