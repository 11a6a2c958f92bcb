/**
 * Tells whoever listens (the compute service's agent gateway, which wakes the hosts' network
 * controllers) that the network service changed something a dataplane may care about: a
 * port, a group's rules or members, a network. No payload: each host re-reads its whole
 * state, so a notice is only a hint to do it now rather than at the next resync.
 */
export class NetworkChanges {
  readonly #listeners = new Set<() => void>();

  changed(): void {
    for (const l of this.#listeners) l();
  }

  watch(onChange: () => void): () => void {
    this.#listeners.add(onChange);
    return () => this.#listeners.delete(onChange);
  }
}
