import { homedir } from 'node:os';
import { join } from 'node:path';

/** Strata's machine-wide cache, shared by every data dir: $XDG_CACHE_HOME/strata (~/.cache/strata). */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'strata');
}
