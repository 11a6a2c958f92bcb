import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { bootServer, createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas } from './compute-api-fixtures.js';
import { createPersonas } from './compute-api-fixtures.js';

for (const dialect of testDialects()) {
  describe(`${dialect}: server faults as tenants see them`, () => {
    let t: TestCloud;
    let p: Personas;
    let flavor: string;
    let image: string;

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      p = await createPersonas(t);
      flavor = await createFlavor(t, p.admin, { name: 'faults', vcpus: 1, ram: 256, disk: 1 });
      image = await createImage(t, p.admin, 'faults-img');
    });
    afterAll(async () => t?.close());

    it('names no host path to the owner and shows the details to admins only', async () => {
      const path = `${t.cloud.compute.deps.config.dataDir}/cache/runc/runc-rootfs/abc/rootfs/bin/sh`;
      const failure = `ENOENT: no such file or directory, link '${path}' -> '/tmp/x/y'`;
      const id = await bootServer(t, p.member, {
        name: 'doomed',
        imageRef: image,
        flavorRef: flavor,
        metadata: { 'fake:fail_create': 'terminal', 'fake:fail_create_message': failure },
      });
      const seenByOwner = await waitForServer(t, p.member, id, 'ERROR');
      const ownerFault = seenByOwner['fault'] as Record<string, unknown>;
      expect(Object.keys(ownerFault).sort()).toEqual(['code', 'created', 'message']);
      expect(ownerFault['message']).toBe("ENOENT: no such file or directory, link '…/sh' -> '…/y'");
      expect(JSON.stringify(ownerFault)).not.toContain(t.cloud.compute.deps.config.dataDir);
      const seenByAdmin = await waitForServer(t, p.admin, id, 'ERROR');
      expect(seenByAdmin['fault']).toMatchObject({ message: ownerFault['message'], details: failure });
    });
  });
}
