/** The fields of a Nova server (2.60) the pages use. */
export interface Server {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly created: string;
  readonly addresses: Record<string, Array<{ addr: string }>>;
  readonly flavor?: { original_name?: string };
  readonly image?: { id?: string } | '';
  readonly key_name?: string | null;
  readonly fault?: { message: string };
  readonly 'OS-EXT-STS:task_state'?: string | null;
  readonly 'OS-EXT-STS:power_state'?: number;
}

export function addressesOf(s: Server): string {
  return Object.entries(s.addresses)
    .map(([net, list]) => `${net}: ${list.map((a) => a.addr).join(', ')}`)
    .join('; ');
}
