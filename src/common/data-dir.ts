import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Files in the data directory that hold secrets (token keys, password hashes). */
const privateFiles = [
  'strata.db',
  'strata.db-wal',
  'strata.db-shm',
  'admin-password',
  'clouds.yaml',
  'openrc',
];

/**
 * Makes the data directory private before anything is written to it: files this process
 * creates from now on are the owner's only (umask 077: the database and its WAL, image
 * files, container configs), the directory itself is forced to 0700, and a directory
 * another user owns is refused (its owner could read or swap what Strata writes).
 * Returns warnings for the caller to log.
 */
export function securePrivateDataDir(dir: string): string[] {
  process.umask(0o077);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = statSync(dir);
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    throw new Error(
      `data directory ${dir} is owned by uid ${st.uid}, not by this user (uid ${uid}); refusing to use it`,
    );
  }
  const warnings: string[] = [];
  if ((st.mode & 0o077) !== 0) {
    chmodSync(dir, 0o700);
    warnings.push(
      `data directory ${dir} was mode ${(st.mode & 0o777).toString(8)}, readable by others; made it 0700`,
    );
  }
  // Files left by an older Strata that created them 0644.
  for (const name of privateFiles) {
    const file = join(dir, name);
    if (existsSync(file) && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  }
  return warnings;
}
