import { free } from '../host-view.js';
import type { HostWeigher } from './host-weigher.js';

/** Free RAM: a positive multiplier spreads servers, a negative one packs them. */
export function ramWeigher(multiplier: number): HostWeigher {
  return { name: 'ram', multiplier, forRequest: () => (h) => free(h, 'MEMORY_MB') };
}
