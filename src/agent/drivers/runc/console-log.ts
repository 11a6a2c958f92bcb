import { open } from 'node:fs/promises';

/** How much of a console log is kept; trimmed once it grows by half as much again. */
export const consoleLogKeepBytes = 1024 * 1024;
const trimAtBytes = consoleLogKeepBytes + consoleLogKeepBytes / 2;

/**
 * Keeps the console log bounded: past the threshold, the last `keepBytes` (from a line
 * start) are moved to the front and the file truncated. The container holds the file
 * with O_APPEND, so its next write lands at the new end; lines written during the trim
 * itself may be lost, as with logrotate's copytruncate.
 */
export async function trimConsoleLog(
  path: string,
  keepBytes = consoleLogKeepBytes,
  trimAt = trimAtBytes,
): Promise<boolean> {
  const fh = await open(path, 'r+').catch(() => undefined);
  if (fh === undefined) return false;
  try {
    const { size } = await fh.stat();
    if (size <= trimAt) return false;
    const tail = Buffer.alloc(keepBytes);
    const { bytesRead } = await fh.read(tail, 0, keepBytes, size - keepBytes);
    const newline = tail.subarray(0, bytesRead).indexOf(0x0a);
    const kept = tail.subarray(newline < 0 ? 0 : newline + 1, bytesRead);
    await fh.write(kept, 0, kept.length, 0);
    await fh.truncate(kept.length);
    return true;
  } finally {
    await fh.close();
  }
}

/** The last `lines` lines of the log (all of what is kept when undefined). */
export async function tailConsoleLog(path: string, lines?: number): Promise<string> {
  const fh = await open(path, 'r').catch(() => undefined);
  if (fh === undefined) return '';
  try {
    const { size } = await fh.stat();
    const want = Math.min(size, trimAtBytes);
    const buf = Buffer.alloc(want);
    const { bytesRead } = await fh.read(buf, 0, want, size - want);
    const text = buf.subarray(0, bytesRead).toString('utf8');
    if (lines === undefined) return text;
    if (lines <= 0 || text === '') return '';
    const all = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
    return all.slice(-lines).join('\n') + '\n';
  } finally {
    await fh.close();
  }
}
