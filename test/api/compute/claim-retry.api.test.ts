import { afterEach, describe, expect, it, vi } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { bootServer, createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import { startTestCloud } from '../../support/test-cloud.js';

const shape = { vcpus: 4, memoryMb: 1024, diskGb: 40 }; // one 1024 MB server per host

describe.each(testDialects())('%s: a claim placement refuses', (dialect) => {
  afterEach(() => vi.restoreAllMocks());

  it('goes round again on a fresh snapshot and lands, with no host over its inventory', async () => {
    const t = await startTestCloud(dialect);
    try {
      const admin = await t.adminToken();
      const compute = t.cloud.compute;
      await compute.agents.addFakeHosts(2, shape, { prefix: 'claim', availabilityZone: 'claim' });
      const flavor = await createFlavor(t, admin, { name: 'full', vcpus: 1, ram: 1024, disk: 5 });
      const image = await createImage(t, admin, 'img');
      const placement = compute.deps.placement;
      // The scheduler's next views: both hosts empty. Then another writer fills claim-0001.
      const stale = await placement.snapshot();
      const first = stale.find((p) => p.name === 'claim-0001')!;
      await placement.writeAllocations({
        consumerId: crypto.randomUUID(),
        projectId: 'elsewhere',
        userId: 'someone',
        allocations: [{ providerId: first.uuid, resources: { MEMORY_MB: 1024 } }],
      });
      compute.deps.signals.hostsChanged();
      vi.spyOn(placement, 'snapshot').mockResolvedValueOnce(stale);
      const refused = countRefusals(placement);

      const id = await bootServer(t, admin, {
        name: 'late',
        imageRef: image,
        flavorRef: flavor,
        availability_zone: 'claim',
      });
      const s = await waitForServer(t, admin, id, 'ACTIVE');

      expect(refused.length).toBeGreaterThan(0); // claim-0001 was chosen on the stale view and refused
      expect(s['OS-EXT-SRV-ATTR:host']).toBe('claim-0002');
      for (const p of await placement.snapshot()) {
        for (const [rc, used] of Object.entries(p.usages)) {
          const inv = p.inventories[rc]!;
          expect(used).toBeLessThanOrEqual((inv.total - inv.reserved) * inv.allocationRatio);
        }
      }
      const usage = Object.fromEntries(
        (await placement.snapshot()).map((p) => [p.name, p.usages['MEMORY_MB']]),
      );
      expect(usage).toMatchObject({ 'claim-0001': 1024, 'claim-0002': 1024 });
    } finally {
      await t.close();
    }
  });
});

/** Records each allocation write placement refused (the scheduler's batch and one-by-one paths). */
function countRefusals(placement: {
  writeAllocations: (w: never) => Promise<void>;
  writeAllocationsBatch: (w: never) => Promise<void>;
}): string[] {
  const refused: string[] = [];
  for (const name of ['writeAllocations', 'writeAllocationsBatch'] as const) {
    const real = placement[name].bind(placement);
    vi.spyOn(placement, name).mockImplementation((w: never) =>
      real(w).catch((err: unknown) => {
        refused.push(name);
        throw err;
      }),
    );
  }
  return refused;
}
