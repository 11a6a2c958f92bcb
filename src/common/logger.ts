import pino from 'pino';
import type { Logger } from 'pino';
import type { StrataConfig } from './config.js';

/** JSON logs to stdout or a file, for the cloud and for `strata agent` alike. */
export function createLogger(config: Pick<StrataConfig, 'logLevel' | 'logFile'>): Logger {
  const destination =
    config.logFile === 'stdout'
      ? pino.destination(1)
      : pino.destination({ dest: config.logFile, mkdir: true, sync: false });
  return pino({ level: config.logLevel, base: { service: 'strata' } }, destination);
}
