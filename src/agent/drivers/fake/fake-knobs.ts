/**
 * Fault injection for the fake driver, as data: flavor extra specs or server metadata
 * `fake:<knob>`, so scale and end-to-end tests inject failures through the public API.
 */
export interface FakeKnobs {
  readonly createDelayMs: number;
  /** `transient` failures are retryable (the build is rescheduled); `terminal` ones are not. */
  readonly failCreate?: 'transient' | 'terminal';
  /** The terminal failure's text (`fake:fail_create_message`), e.g. one naming a host path. */
  readonly failCreateMessage?: string;
  /** A transient create failure on this host only (`fake:fail_create_on_host=<hostname>`). */
  readonly failCreateOnHost?: string;
  readonly hangCreate: boolean;
  readonly crashAfterMs?: number;
  /** Snapshots of this workload fail (`fake:fail_snapshot=true`). */
  readonly failSnapshot: boolean;
  /** `fake:serial_console=none`: the workload has no serial console (as a container without a terminal). */
  readonly serialConsole: boolean;
}

export function fakeKnobs(...sources: ReadonlyArray<Readonly<Record<string, string>>>): FakeKnobs {
  const v = (k: string) => sources.map((s) => s[`fake:${k}`]).find((x) => x !== undefined);
  const fail = v('fail_create');
  const failOn = v('fail_create_on_host');
  const crash = v('crash_after_ms');
  return {
    createDelayMs: Number(v('create_delay_ms') ?? 0),
    ...(fail === 'transient' || fail === 'terminal' ? { failCreate: fail } : {}),
    ...(failOn !== undefined && { failCreateOnHost: failOn }),
    ...(v('fail_create_message') !== undefined && { failCreateMessage: v('fail_create_message') }),
    hangCreate: v('hang_create') === 'true',
    failSnapshot: v('fail_snapshot') === 'true',
    serialConsole: v('serial_console') !== 'none',
    ...(crash !== undefined && { crashAfterMs: Number(crash) }),
  };
}
