import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/database.js';
import type { StrataDb } from '../../db/database.js';
import type { TestDatabase } from '../../db/testing/dialects.js';
import { createTestDatabase, testDialects } from '../../db/testing/dialects.js';
import type { ImageDeps } from '../image-deps.js';
import type { Image } from '../images/image-store.js';
import { getImage, insertImage } from '../images/image-store.js';
import { ImageFileStore } from './image-file-store.js';
import { resumeImports, runImport } from './image-import-service.js';
import { ImageImporter } from './image-importer.js';

function importingImage(id: string): Image {
  const now = new Date().toISOString();
  return {
    id,
    name: 'staged',
    status: 'importing',
    visibility: 'private',
    protected: false,
    osHidden: false,
    owner: 'p1',
    diskFormat: 'raw',
    containerFormat: 'bare',
    size: 6,
    virtualSize: null,
    checksum: null,
    osHashAlgo: null,
    osHashValue: null,
    minDisk: 0,
    minRam: 0,
    properties: {},
    tags: [],
    createdAt: now,
    updatedAt: now,
  };
}

for (const dialect of testDialects()) {
  describe(`${dialect}: image-import-service`, () => {
    let testDb: TestDatabase;
    let store: StrataDb;
    let dir: string;
    let deps: ImageDeps;
    beforeAll(async () => {
      testDb = await createTestDatabase(dialect);
      store = await openDatabase(testDb.url);
      dir = mkdtempSync(join(tmpdir(), 'strata-import-'));
      const log = pino({ level: 'silent' });
      const importer: ImageImporter = new ImageImporter((id) => runImport(deps, id), log);
      deps = {
        store,
        clock: () => new Date(),
        log,
        files: new ImageFileStore(dir),
        importer,
        quotas: { imageCount: -1, imageBytes: -1 },
        sizeCap: 2 ** 40,
      };
    });
    afterAll(async () => {
      await store?.close();
      await testDb?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('resumes an import a stopped process left importing, and a second run changes nothing', async () => {
      const id = '00000000-0000-4000-8000-000000000001';
      await insertImage(store.db, importingImage(id));
      await deps.files.write(id, Buffer.from('staged'), 'staging');
      await resumeImports(deps);
      await deps.importer.settled();
      const image = await getImage(store.db, id);
      expect(image).toMatchObject({ status: 'active', size: 6, osHashAlgo: 'sha512' });
      expect(await deps.files.exists(id)).toBe(true);
      expect(await deps.files.exists(id, 'staging')).toBe(false);
      await runImport(deps, id);
      expect(await getImage(store.db, id)).toEqual(image);
    });

    it('finishes when the process stopped after moving the data but before recording it', async () => {
      const id = '00000000-0000-4000-8000-000000000002';
      await insertImage(store.db, importingImage(id));
      await deps.files.write(id, Buffer.from('staged'), 'store');
      await runImport(deps, id);
      expect((await getImage(store.db, id))?.status).toBe('active');
    });

    it('sends an import without data back to queued', async () => {
      const id = '00000000-0000-4000-8000-000000000003';
      await insertImage(store.db, importingImage(id));
      await runImport(deps, id);
      expect(await getImage(store.db, id)).toMatchObject({ status: 'queued', size: null });
    });
  });
}
