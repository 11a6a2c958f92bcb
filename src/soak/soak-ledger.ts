export type LedgerKind = 'server' | 'image' | 'project';

/** One write a 2xx acknowledged: the object, and whether the soak's own acknowledged delete removed it. */
export interface LedgerEntry {
  readonly kind: LedgerKind;
  readonly id: string;
  deleted: boolean;
  /** md5 of the image data whose upload was acknowledged (Glance's `checksum`). */
  checksum?: string;
}

/** Every id a 2xx acknowledged, to check at the end that each is still there (or gone when deleted). */
export class SoakLedger {
  readonly #entries = new Map<string, LedgerEntry>();

  acknowledge(kind: LedgerKind, id: string): LedgerEntry {
    const entry = { kind, id, deleted: false };
    this.#entries.set(`${kind}/${id}`, entry);
    return entry;
  }

  deleted(kind: LedgerKind, id: string): void {
    const entry = this.#entries.get(`${kind}/${id}`);
    if (entry !== undefined) entry.deleted = true;
  }

  entries(): LedgerEntry[] {
    return [...this.#entries.values()];
  }
}
