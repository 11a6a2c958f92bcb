import type { SoakCall } from './soak-api.js';
import type { SoakContext } from './soak-context.js';
import { sleep } from './soak-context.js';
import type { LedgerKind } from './soak-ledger.js';

/**
 * DELETE, retried after a lost reply or a 409 (a task still running). A 204 is an
 * acknowledged delete; a 404 after a lost attempt means that attempt deleted it. A 404
 * on the first try is left alone: the acknowledged-writes check then reports the object
 * that vanished by itself.
 */
export async function deleteAcknowledged(
  ctx: SoakContext,
  kind: LedgerKind,
  id: string,
  call: (c: SoakCall) => Promise<Awaited<ReturnType<SoakContext['api']['call']>>>,
  path: string,
): Promise<boolean> {
  let lostBefore = false;
  for (let attempt = 0; attempt < 20; attempt++) {
    const reply = await call({ op: `${kind} delete`, method: 'DELETE', path });
    if (reply === 'lost' || reply.status === 409 || reply.status >= 500) {
      lostBefore ||= reply === 'lost' || reply.status >= 500;
      await sleep(1000);
      continue;
    }
    if (reply.status === 204 || (reply.status === 404 && lostBefore)) {
      ctx.ledger.deleted(kind, id);
      return true;
    }
    return false;
  }
  return false;
}
