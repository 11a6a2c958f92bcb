import type { Migration, MigrationProvider } from 'kysely';
import { identityMigration } from './0001-identity.js';
import { imageMigration } from './0002-image.js';
import { placementMigration } from './0003-placement.js';
import { computeMigration } from './0004-compute.js';
import { computeProjectUsageMigration } from './0005-compute-project-usage.js';
import { serverTagsMigration } from './0006-server-tags.js';
import { serverBuildAttemptsMigration } from './0007-server-build-attempts.js';
import { serverDevicesMigration } from './0008-server-devices.js';
import { networkMigration } from './0009-network.js';
import { volumeMigration } from './0010-volume.js';
import { securityGroupsMigration } from './0011-security-groups.js';
import { routersMigration } from './0012-routers.js';
import { serverPortsMigration } from './0013-server-ports.js';
import { volumeTypesSnapshotsMigration } from './0014-volume-types-snapshots.js';
import { computeHostNumbersMigration } from './0015-compute-host-numbers.js';
import { subnetPoolsMigration } from './0016-subnet-pools.js';
import { networkRbacMigration } from './0017-network-rbac.js';
import { volumeAttachmentsApiMigration } from './0018-volume-attachments-api.js';
import { volumeBackupsTransfersQosMigration } from './0019-volume-backups-transfers-qos.js';
import { volumeImagesBootMigration } from './0020-volume-images-boot.js';
import { hostTunnelIpMigration } from './0021-host-tunnel-ip.js';
import { userLockoutMigration } from './0023-user-lockout.js';
import { networkPortUsageMigration } from './0024-network-port-usage.js';
import { routerHostsMigration } from './0026-router-hosts.js';
import { volumeExportsMigration } from './0027-volume-exports.js';
import { hostAggregatesMigration } from './0029-host-aggregates.js';
import { quotaClassesMigration } from './0030-quota-classes.js';
import { consoleAuthTokensMigration } from './0031-console-auth-tokens.js';
import { networkDnsMigration } from './0039-network-dns.js';
import { keypairIdsMigration } from './0040-keypair-ids.js';
import { addressGroupsMigration } from './0041-address-groups.js';
import { portExtraDefaultsMigration } from './0042-port-extra-defaults.js';
import { objectRbacMigration } from './0043-object-rbac.js';
import { accessRulesMigration } from './0049-access-rules.js';
import { volumeAdminStateMigration } from './0050-volume-admin-state.js';

/** Append-only: never edit a migration that has shipped; add the next number. */
export const migrations: Readonly<Record<`${number}-${string}`, Migration>> = {
  '0001-identity': identityMigration,
  '0002-image': imageMigration,
  '0003-placement': placementMigration,
  '0004-compute': computeMigration,
  '0005-compute-project-usage': computeProjectUsageMigration,
  '0006-server-tags': serverTagsMigration,
  '0007-server-build-attempts': serverBuildAttemptsMigration,
  '0008-server-devices': serverDevicesMigration,
  '0009-network': networkMigration,
  '0010-volume': volumeMigration,
  '0011-security-groups': securityGroupsMigration,
  '0012-routers': routersMigration,
  '0013-server-ports': serverPortsMigration,
  '0014-volume-types-snapshots': volumeTypesSnapshotsMigration,
  '0015-compute-host-numbers': computeHostNumbersMigration,
  '0016-subnet-pools': subnetPoolsMigration,
  '0017-network-rbac': networkRbacMigration,
  '0018-volume-attachments-api': volumeAttachmentsApiMigration,
  '0019-volume-backups-transfers-qos': volumeBackupsTransfersQosMigration,
  '0020-volume-images-boot': volumeImagesBootMigration,
  '0021-host-tunnel-ip': hostTunnelIpMigration,
  '0023-user-lockout': userLockoutMigration,
  '0024-network-port-usage': networkPortUsageMigration,
  '0026-router-hosts': routerHostsMigration,
  '0027-volume-exports': volumeExportsMigration,
  '0029-host-aggregates': hostAggregatesMigration,
  '0030-quota-classes': quotaClassesMigration,
  '0031-console-auth-tokens': consoleAuthTokensMigration,
  '0039-network-dns': networkDnsMigration,
  '0040-keypair-ids': keypairIdsMigration,
  '0041-address-groups': addressGroupsMigration,
  '0042-port-extra-defaults': portExtraDefaultsMigration,
  '0043-object-rbac': objectRbacMigration,
  '0049-access-rules': accessRulesMigration,
  '0050-volume-admin-state': volumeAdminStateMigration,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
