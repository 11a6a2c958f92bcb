import pino from 'pino';
import type { DestinationStream, Logger } from 'pino';
import type { StrataConfig } from './config.js';

/** While the log's disk is full, lines past this much are dropped instead of held in memory. */
const maxBufferedBytes = 16 * 1024 * 1024;

/** JSON logs to stdout or a file, for the cloud and for `strata agent` alike. */
export function createLogger(config: Pick<StrataConfig, 'logLevel' | 'logFile'>): Logger {
  const destination =
    config.logFile === 'stdout'
      ? pino.destination(1)
      : pino.destination({ dest: config.logFile, mkdir: true, sync: false, maxLength: maxBufferedBytes });
  survivesWriteErrors(destination);
  return pino({ level: config.logLevel, base: { service: 'strata' } }, destination);
}

/**
 * pino's destination re-emits a write error other than EPIPE (ENOSPC when the data dir's
 * disk fills) with no listener left, which throws in the middle of the process. A log line
 * is not worth the cloud: the error is swallowed, the destination keeps the unwritten chunk
 * and retries it with the next line, so logging resumes once the disk has room.
 */
function survivesWriteErrors(destination: DestinationStream): void {
  (destination as unknown as NodeJS.EventEmitter).on('error', () => undefined);
}
