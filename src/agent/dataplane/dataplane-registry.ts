import { FakeDataplane } from './fake/fake-dataplane.js';
import type { NetworkDataplane } from './network-dataplane.js';

/** Adding a dataplane (the Linux one comes with the dataplane issue): one folder and one entry here. */
export const dataplanes = {
  fake: { create: (): NetworkDataplane => new FakeDataplane() },
} as const satisfies Record<string, { create(): NetworkDataplane }>;

export type DataplaneName = keyof typeof dataplanes;

export function isDataplaneName(name: string): name is DataplaneName {
  return Object.hasOwn(dataplanes, name);
}

export function createDataplane(name: DataplaneName): NetworkDataplane {
  return dataplanes[name].create();
}
