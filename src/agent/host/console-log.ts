import { appendFile, open, stat, truncate } from 'node:fs/promises';

/** How much of a console log is kept; the file is trimmed back to this once it doubles. */
export const consoleLogKeepBytes = 1024 * 1024;

/**
 * Keeps the last `keepBytes` of a workload's console log once it has grown past twice
 * that. Writers (QEMU with append=on, a container's stdout) hold the file with O_APPEND,
 * so after the truncate their writes land at the new end instead of leaving a hole. A line
 * written during the trim may land before the kept tail; that is the price of not
 * stopping the workload.
 */
export async function trimConsoleLog(path: string, keepBytes = consoleLogKeepBytes): Promise<boolean> {
  const size = await fileSize(path);
  if (size <= 2 * keepBytes) return false;
  const tail = await readTail(path, keepBytes);
  // Start at a line boundary so the log does not open with half a line.
  const nl = tail.indexOf(0x0a);
  const kept = nl >= 0 && nl < tail.length - 1 ? tail.subarray(nl + 1) : tail;
  await truncate(path, 0);
  await appendFile(path, kept);
  return true;
}

/** The last `lines` lines (all when undefined), read from at most the kept window. */
export async function tailConsoleLog(
  path: string,
  lines?: number,
  keepBytes = consoleLogKeepBytes,
): Promise<string> {
  const text = (await readTail(path, 2 * keepBytes)).toString('utf8');
  if (lines === undefined) return text;
  if (lines <= 0 || text === '') return '';
  const all = text.split('\n');
  const trailingNewline = all.at(-1) === '';
  if (trailingNewline) all.pop();
  return all.slice(-lines).join('\n') + (trailingNewline ? '\n' : '');
}

/** A line from the driver itself (e.g. why a resume fell back to a cold boot). */
export async function appendConsoleNote(path: string, driver: string, note: string): Promise<void> {
  await appendFile(path, `\n[strata ${driver} driver] ${note}\n`);
}

async function readTail(path: string, maxBytes: number): Promise<Buffer> {
  const fh = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (fh === undefined) return Buffer.alloc(0);
  try {
    const { size } = await fh.stat();
    const length = Math.min(size, maxBytes);
    const buf = Buffer.alloc(length);
    const { bytesRead } = await fh.read(buf, 0, length, size - length);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

async function fileSize(path: string): Promise<number> {
  return stat(path).then(
    (s) => s.size,
    () => 0,
  );
}
