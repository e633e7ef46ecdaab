/**
 * Atomic file writes: the bytes go to a temporary file in the target's folder, are fsync'ed,
 * and only then renamed over the target. A save that fails midway (or a crash) leaves the old
 * file as it was, and the temporary file is removed; one a killed process left behind is removed
 * by the next save to the same target.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { TorchError } from '../errors';

function tempNameFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Removes temporary files a killed writer left for `target` (a process killed between open and
 * rename cannot clean up; a training job restarted after kills would pile up whole checkpoints).
 * Only files named for `target` whose writer process is gone are removed: the pid in the name
 * must not be alive (kill(pid, 0) says ESRCH), so another live writer's file is never touched.
 */
function removeStaleTemps(target: string): void {
  const dir = path.dirname(target);
  const prefix = `.${path.basename(target)}.`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return; // the write itself will report the folder
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const m = /^(\d+)\.[0-9a-f]{12}\.tmp$/.exec(name.slice(prefix.length));
    if (!m || Number(m[1]) === process.pid || processAlive(Number(m[1]))) continue;
    try { fs.unlinkSync(path.join(dir, name)); } catch { /* removed by someone else meanwhile */ }
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH'; // EPERM: alive, someone else's
  }
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
  removeStaleTemps(target);
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
  removeStaleTemps(target);
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
