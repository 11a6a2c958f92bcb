/**
 * Fault injection for the fake driver, as data: flavor extra specs or server metadata
 * `fake:<knob>`, so scale and end-to-end tests inject failures through the public API.
 */
export interface FakeKnobs {
  readonly createDelayMs: number;
  readonly failCreate?: 'transient' | 'terminal';
  readonly hangCreate: boolean;
  readonly crashAfterMs?: number;
}

export function fakeKnobs(...sources: ReadonlyArray<Readonly<Record<string, string>>>): FakeKnobs {
  const v = (k: string) => sources.map((s) => s[`fake:${k}`]).find((x) => x !== undefined);
  const fail = v('fail_create');
  const crash = v('crash_after_ms');
  return {
    createDelayMs: Number(v('create_delay_ms') ?? 0),
    ...(fail === 'transient' || fail === 'terminal' ? { failCreate: fail } : {}),
    hangCreate: v('hang_create') === 'true',
    ...(crash !== undefined && { crashAfterMs: Number(crash) }),
  };
}
