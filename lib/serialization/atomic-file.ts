/**
 * Atomic file writes: the bytes go to a temporary file in the target's folder, are fsync'ed,
 * and only then renamed over the target. A save that fails midway (or a crash) leaves the old
 * file as it was, and the temporary file is removed.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { TorchError } from '../errors';

function tempNameFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`);
}

function checkTarget(file: unknown): string {
  if (typeof file !== 'string' || file.length === 0) throw new TypeError('expected a file path (non-empty string)');
  return path.resolve(file);
}

function syncFolder(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
  } catch {
    /* not every platform can fsync a directory; the rename itself is still atomic */
  }
}

function wrapIoError(e: unknown, target: string): unknown {
  if (e instanceof TypeError || e instanceof RangeError || e instanceof TorchError) return e;
  return new TorchError(`cannot write '${target}': ${(e as Error).message}`);
}

/** Writes what `chunks` yields to `file`, atomically. */
export function writeAtomicSync(file: string, chunks: Iterable<Uint8Array>): void {
  const target = checkTarget(file);
  const temp = tempNameFor(target);
  let fd: number | null = null;
  try {
    fd = fs.openSync(temp, 'wx');
    for (const c of chunks) {
      let done = 0;
      while (done < c.length) done += fs.writeSync(fd, c, done, c.length - done);
    }
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    fs.renameSync(temp, target);
  } catch (e) {
    if (fd !== null) try { fs.closeSync(fd); } catch { /* already failing */ }
    try { fs.unlinkSync(temp); } catch { /* never created */ }
    throw wrapIoError(e, target);
  }
  syncFolder(path.dirname(target));
}

/** writeAtomicSync with fs.promises (the chunks are still produced synchronously). */
export async function writeAtomic(file: string, chunks: Iterable<Uint8Array>): Promise<void> {
  const target = checkTarget(file);
  const temp = tempNameFor(target);
  let fh: fs.promises.FileHandle | null = null;
  try {
    fh = await fs.promises.open(temp, 'wx');
    for (const c of chunks) {
      let done = 0;
      while (done < c.length) done += (await fh.write(c, done, c.length - done)).bytesWritten;
    }
    await fh.sync();
    await fh.close();
    fh = null;
    await fs.promises.rename(temp, target);
  } catch (e) {
    if (fh !== null) await fh.close().catch(() => undefined);
    await fs.promises.unlink(temp).catch(() => undefined);
    throw wrapIoError(e, target);
  }
  syncFolder(path.dirname(target));
}
