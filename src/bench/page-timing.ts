/**
 * The Performance API entries a page load leaves (navigation, paint, mark, resource),
 * as `entry.toJSON()` gives them; only the fields the load figures read.
 */
export interface PerfEntry {
  readonly name: string;
  readonly entryType: string;
  readonly startTime: number;
  readonly duration?: number;
  readonly initiatorType?: string;
  /** Bytes on the wire, headers included; 0 for a cache hit. */
  readonly transferSize?: number;
  /** The body as sent (compressed when it was). */
  readonly encodedBodySize?: number;
  readonly domContentLoadedEventEnd?: number;
  readonly loadEventEnd?: number;
}

/** One cold load, in ms from navigation start, and its bytes. */
export interface LoadTiming {
  readonly firstPaintMs: number;
  readonly firstContentfulPaintMs: number;
  readonly domContentLoadedMs: number;
  /** When the page marker `mark` was set (the servers listed); NaN when it never was. */
  readonly markMs: number;
  /** Every request (document, assets, API calls): bytes on the wire, headers included. */
  readonly transferBytes: number;
  /** The document and static assets only (no API calls): compressed bodies. */
  readonly assetBodyBytes: number;
  readonly requests: number;
}

const startOf = (entries: ReadonlyArray<PerfEntry>, type: string, name: string): number =>
  entries.find((e) => e.entryType === type && e.name === name)?.startTime ?? Number.NaN;

/** Sums the load's figures from its Performance API entries; `mark` names the page marker. */
export function loadTiming(entries: ReadonlyArray<PerfEntry>, mark: string): LoadTiming {
  const nav = entries.find((e) => e.entryType === 'navigation');
  if (nav === undefined) throw new Error('no navigation entry: the page did not load');
  const resources = entries.filter((e) => e.entryType === 'resource');
  // fetch/xmlhttprequest are the dashboard's API calls; the rest is what the page is made of.
  const assets = resources.filter((e) => e.initiatorType !== 'fetch' && e.initiatorType !== 'xmlhttprequest');
  const sum = (list: ReadonlyArray<PerfEntry>, f: (e: PerfEntry) => number | undefined) =>
    list.reduce((n, e) => n + (f(e) ?? 0), 0);
  return {
    firstPaintMs: startOf(entries, 'paint', 'first-paint'),
    firstContentfulPaintMs: startOf(entries, 'paint', 'first-contentful-paint'),
    domContentLoadedMs: nav.domContentLoadedEventEnd ?? Number.NaN,
    markMs: startOf(entries, 'mark', mark),
    transferBytes: sum([nav, ...resources], (e) => e.transferSize),
    assetBodyBytes: sum([nav, ...assets], (e) => e.encodedBodySize),
    requests: 1 + resources.length,
  };
}

/** The median of each figure over several loads (an even count averages the middle two). */
export function medianTiming(loads: ReadonlyArray<LoadTiming>): LoadTiming {
  if (loads.length === 0) throw new Error('no loads to summarize');
  const median = (f: (t: LoadTiming) => number) => {
    const v = loads.map(f).sort((a, b) => a - b);
    const mid = Math.floor(v.length / 2);
    return v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
  };
  return {
    firstPaintMs: median((t) => t.firstPaintMs),
    firstContentfulPaintMs: median((t) => t.firstContentfulPaintMs),
    domContentLoadedMs: median((t) => t.domContentLoadedMs),
    markMs: median((t) => t.markMs),
    transferBytes: median((t) => t.transferBytes),
    assetBodyBytes: median((t) => t.assetBodyBytes),
    requests: median((t) => t.requests),
  };
}
