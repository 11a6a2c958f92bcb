import { describe, expect, it } from 'vitest';
import type { PerfEntry } from './page-timing.js';
import { loadTiming, medianTiming } from './page-timing.js';

const mark = 'strata:servers-listed';

/** A cold load as Chromium reports it: document, two assets, two API calls, paints, the marker. */
const entries: PerfEntry[] = [
  {
    name: 'http://127.0.0.1:1/dashboard',
    entryType: 'navigation',
    startTime: 0,
    transferSize: 900,
    encodedBodySize: 400,
    domContentLoadedEventEnd: 61.5,
  },
  {
    name: '/dashboard/assets/app.js',
    entryType: 'resource',
    startTime: 10,
    initiatorType: 'script',
    transferSize: 40_300,
    encodedBodySize: 40_000,
  },
  {
    name: '/dashboard/assets/app.css',
    entryType: 'resource',
    startTime: 10,
    initiatorType: 'link',
    transferSize: 2_300,
    encodedBodySize: 2_000,
  },
  {
    name: '/identity/v3/auth/projects',
    entryType: 'resource',
    startTime: 70,
    initiatorType: 'fetch',
    transferSize: 700,
    encodedBodySize: 500,
  },
  {
    name: '/compute/v2.1/servers/detail',
    entryType: 'resource',
    startTime: 71,
    initiatorType: 'fetch',
    transferSize: 9_000,
    encodedBodySize: 8_700,
  },
  { name: 'first-paint', entryType: 'paint', startTime: 80.25 },
  { name: 'first-contentful-paint', entryType: 'paint', startTime: 80.5 },
  { name: 'other-mark', entryType: 'mark', startTime: 5 },
  { name: mark, entryType: 'mark', startTime: 120.75 },
];

describe('loadTiming', () => {
  it('reads paints, the page marker and the bytes of a cold load', () => {
    expect(loadTiming(entries, mark)).toEqual({
      firstPaintMs: 80.25,
      firstContentfulPaintMs: 80.5,
      domContentLoadedMs: 61.5,
      markMs: 120.75,
      transferBytes: 900 + 40_300 + 2_300 + 700 + 9_000,
      assetBodyBytes: 400 + 40_000 + 2_000,
      requests: 5,
    });
  });

  it('gives NaN for a marker or paint that never came, and refuses a load without a navigation', () => {
    const t = loadTiming(
      entries.filter((e) => e.entryType !== 'paint'),
      'never-set',
    );
    expect(t.markMs).toBeNaN();
    expect(t.firstContentfulPaintMs).toBeNaN();
    expect(() => loadTiming(entries.slice(1), mark)).toThrow(/navigation/);
  });
});

describe('medianTiming', () => {
  const load = (ms: number) => ({ ...loadTiming(entries, mark), markMs: ms });
  it('takes the middle load, or the mean of the middle two', () => {
    expect(medianTiming([load(300), load(100), load(200)]).markMs).toBe(200);
    expect(medianTiming([load(400), load(100), load(200), load(300)]).markMs).toBe(250);
    expect(() => medianTiming([])).toThrow();
  });
});
