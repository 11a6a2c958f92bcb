import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { defaultDataDirName } from '../../../common/config.js';

/** The ifalias of the default cloud's bridges (bridges with none are its too: made before aliases). */
export const defaultBridgeOwner = 'strata';

/**
 * What keeps one all-in-one cloud's machine-wide things apart from another's on the same
 * host. Namespaces (`qrouter-…`, `qdhcp-…`, `strata-external`) take `namePrefix`; bridge
 * names are too short for a prefix, so each bridge carries its cloud in its ifalias
 * (`bridgeOwner`); the host's nft tables are named `nftTable`.
 */
export interface CloudHostNames {
  readonly namePrefix: string;
  readonly bridgeOwner: string;
  readonly nftTable: string;
}

/**
 * The default data directory keeps today's names (`strata-external`, table `strata`); any
 * other gets `strata-<6 hex of its path's hash>` (`strata-1a2b3c-strata-external`), the same
 * for every start from that directory, so a restart and `strata down` find them again.
 */
export function cloudHostNames(
  dataDir: string,
  defaultDataDir = resolve(defaultDataDirName),
): CloudHostNames {
  if (resolve(dataDir) === defaultDataDir)
    return { namePrefix: '', bridgeOwner: defaultBridgeOwner, nftTable: defaultBridgeOwner };
  const tag = `strata-${createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 6)}`;
  return { namePrefix: `${tag}-`, bridgeOwner: tag, nftTable: tag };
}

/** Whether a bridge with this ifalias belongs to the cloud `owner`. */
export function ownsBridge(alias: string | undefined, owner: string): boolean {
  return alias === owner || (owner === defaultBridgeOwner && (alias === undefined || alias === ''));
}
