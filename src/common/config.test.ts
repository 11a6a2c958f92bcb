import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('config', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'strata-config-'));
  writeFileSync(join(dataDir, 'strata.yaml'), 'port: 6000\nlogLevel: debug\nregionId: FileRegion\n');

  it('uses defaults under the data directory', () => {
    const c = loadConfig({ dataDir: mkdtempSync(join(tmpdir(), 'strata-config-')) }, {});
    expect(c).toMatchObject({ host: '127.0.0.1', port: 5000, logLevel: 'info', tokenExpirationSec: 3600 });
    expect(c.databaseUrl).toBe(`sqlite:${join(c.dataDir, 'strata.db')}`);
  });

  it('layers file < environment < flags', () => {
    const fileOnly = loadConfig({ dataDir }, {});
    expect(fileOnly).toMatchObject({ port: 6000, logLevel: 'debug', regionId: 'FileRegion' });
    const env = loadConfig({ dataDir }, { STRATA_PORT: '7000', STRATA_LOG_LEVEL: 'warn' });
    expect(env).toMatchObject({ port: 7000, logLevel: 'warn', regionId: 'FileRegion' });
    const flags = loadConfig({ dataDir, port: 8000 }, { STRATA_PORT: '7000' });
    expect(flags.port).toBe(8000);
  });

  it('takes the data directory from the environment', () => {
    expect(loadConfig({}, { STRATA_DATA_DIR: dataDir }).port).toBe(6000);
  });

  it('reserves 512 MB for a real host by default, and takes key=value lists from the environment', () => {
    expect(loadConfig({ dataDir }, {}).hostReserved).toEqual({ cpus: 0, memory_mb: 512, disk_gb: 0 });
    expect(loadConfig({ dataDir }, { STRATA_HOST_RESERVED: 'cpus=1, memory_mb=1024' }).hostReserved).toEqual({
      cpus: 1,
      memory_mb: 1024,
      disk_gb: 0,
    });
  });

  it('sizes fake hosts and their create latency from the environment', () => {
    expect(loadConfig({ dataDir }, {})).toMatchObject({
      fakeHostShape: { vcpus: 64, memory_mb: 262_144, disk_gb: 4_096 },
      fakeCreateDelayMs: 0,
    });
    const env = { STRATA_FAKE_HOST_SHAPE: 'vcpus=3,memory_mb=2048', STRATA_FAKE_CREATE_DELAY_MS: '25' };
    expect(loadConfig({ dataDir }, env)).toMatchObject({
      fakeHostShape: { vcpus: 3, memory_mb: 2048, disk_gb: 4_096 },
      fakeCreateDelayMs: 25,
    });
  });

  it("tries a build on 3 hosts and times out builds on dead hosts after 600 s, as Nova's options say", () => {
    expect(loadConfig({ dataDir }, {})).toMatchObject({ schedulerMaxAttempts: 3, buildTimeoutSec: 600 });
    const env = { STRATA_SCHEDULER_MAX_ATTEMPTS: '5', STRATA_BUILD_TIMEOUT: '0' };
    expect(loadConfig({ dataDir }, env)).toMatchObject({ schedulerMaxAttempts: 5, buildTimeoutSec: 0 });
  });

  it('runs the image cache manager every 10 min and keeps unused entries of live images a day, as Nova does', () => {
    expect(loadConfig({ dataDir }, {})).toMatchObject({
      imageCacheIntervalSec: 600,
      imageCacheMaxUnusedSec: 86_400,
    });
    const env = { STRATA_IMAGE_CACHE_INTERVAL: '0', STRATA_IMAGE_CACHE_MAX_UNUSED: '3600' };
    expect(loadConfig({ dataDir }, env)).toMatchObject({
      imageCacheIntervalSec: 0,
      imageCacheMaxUnusedSec: 3600,
    });
  });

  it("nests projects 5 deep by default, as Keystone's max_project_tree_depth", () => {
    expect(loadConfig({ dataDir }, {}).maxProjectTreeDepth).toBe(5);
    expect(loadConfig({ dataDir }, { STRATA_MAX_PROJECT_TREE_DEPTH: '3' }).maxProjectTreeDepth).toBe(3);
  });
});
