/**
 * File readers are written once, as generators that yield "read these bytes" requests; a sync
 * driver answers them with fs.readSync at offsets and an async driver with fs.promises. So
 * `load` and `loadAsync` share every line of format logic and only read what they need.
 */
import * as fs from 'fs';
import { fromBytes } from '../creation';
import { DType, dtypeCode } from '../dtype';
import { TorchError } from '../errors';
import { native } from '../native';
import { Tensor, wrap } from '../tensor';

export interface ReadRequest {
  offset: number;
  length: number;
  /**
   * The consumer copies the bytes before its next request: the driver may hand back a view of
   * a reused scratch buffer, so big records do not pile up waiting for the garbage collector.
   */
  transient?: boolean;
  /**
   * Answer with a new CPU tensor of this shape and dtype holding exactly these bytes (not with
   * the bytes): from a file the addon reads them straight into the tensor's storage, one copy
   * as in Python's torch.load, instead of into a buffer and then into the tensor.
   */
  tensor?: { shape: number[]; dtype: DType };
}

export type ReadPlan<T> = Generator<ReadRequest, T, Uint8Array>;

/** Reads `length` bytes at `offset` as a CPU tensor of `shape`/`dtype`; the caller owns it. */
export function* readTensor(offset: number, length: number, shape: number[], dtype: DType): ReadPlan<Tensor> {
  const answer: unknown = yield { offset, length, tensor: { shape, dtype } };
  return answer as Tensor; // every driver answers a tensor request with a Tensor (answerFromBytes, runSync, runAsync)
}

/** A file path or the bytes of a whole file. */
export type Source = string | Uint8Array;

function checkRange(req: ReadRequest, size: number): void {
  if (req.offset < 0 || req.length < 0 || req.offset + req.length > size)
    throw new TorchError(`unexpected end of file: needed bytes ${req.offset}..${req.offset + req.length} of a ${size}-byte file (the file is truncated)`);
}

class Scratch {
  private buf: Buffer | null = null;
  get(n: number): Buffer {
    if (this.buf === null || this.buf.length < n) this.buf = Buffer.allocUnsafe(Math.max(n, 1 << 16));
    return this.buf.subarray(0, n);
  }
}

function readFully(fd: number, into: Uint8Array, offset: number): void {
  let done = 0;
  while (done < into.length) {
    const n = fs.readSync(fd, into, done, Math.min(into.length - done, 1 << 30), offset + done);
    if (n === 0) throw new TorchError('unexpected end of file while reading (the file is truncated)');
    done += n;
  }
}

function checkSource(source: unknown): Source {
  if (typeof source === 'string') return source;
  if (source instanceof Uint8Array) return source;
  throw new TypeError('expected a file path (string) or the file bytes (Buffer/Uint8Array)');
}

/** Runs a read plan on a file or buffer, synchronously. */
export function runSync<T>(source: Source, plan: (size: number) => ReadPlan<T>): T {
  source = checkSource(source);
  if (typeof source !== 'string') {
    const bytes = source;
    return drive(plan(bytes.length), (req) => {
      checkRange(req, bytes.length);
      return answerFromBytes(req, bytes.subarray(req.offset, req.offset + req.length));
    });
  }
  const fd = openForReading(source);
  try {
    const size = fs.fstatSync(fd).size;
    const scratch = new Scratch();
    return drive(plan(size), (req) => {
      checkRange(req, size);
      if (req.tensor) return asAnswer(wrap(native.readRecord(fd, req.offset, req.length, req.tensor.shape, dtypeCode(req.tensor.dtype))));
      const into = req.transient ? scratch.get(req.length) : Buffer.allocUnsafe(req.length);
      readFully(fd, into, req.offset);
      return into;
    });
  } finally {
    fs.closeSync(fd);
  }
}

/** The plans' answer type is bytes; a tensor request's Tensor travels through it (see readTensor). */
function asAnswer(t: Tensor): Uint8Array {
  return t as unknown as Uint8Array;
}

/** A request answered from bytes already in memory: the bytes, or a tensor copied from them. */
function answerFromBytes(req: ReadRequest, bytes: Uint8Array): Uint8Array {
  return req.tensor ? asAnswer(fromBytes(bytes, req.tensor.shape, req.tensor.dtype)) : bytes;
}

/**
 * Answers a plan's requests with `read`. A failed read is thrown into the plan at its yield,
 * so the plan's own catch/finally blocks run (materialize disposes the tensors it made).
 */
function drive<T>(gen: ReadPlan<T>, read: (req: ReadRequest) => Uint8Array): T {
  let step = gen.next();
  while (!step.done) {
    let bytes: Uint8Array;
    try {
      bytes = read(step.value);
    } catch (e) {
      step = gen.throw(e);
      continue;
    }
    step = gen.next(bytes);
  }
  return step.value;
}

/** Runs a read plan with fs.promises (the plan's own CPU work stays synchronous). */
export async function runAsync<T>(source: Source, plan: (size: number) => ReadPlan<T>): Promise<T> {
  source = checkSource(source);
  if (typeof source !== 'string') return runSync(source, plan);
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(source, 'r');
  } catch (e) {
    throw openError(source, e);
  }
  try {
    const size = (await fh.stat()).size;
    const scratch = new Scratch();
    const gen = plan(size);
    let step = gen.next();
    while (!step.done) {
      const req = step.value;
      let answer: Uint8Array;
      try {
        checkRange(req, size);
        if (req.tensor) {
          // read on a worker thread straight into the tensor; fh stays open until it settles
          const h = await native.readRecordAsync(fh.fd, req.offset, req.length, req.tensor.shape, dtypeCode(req.tensor.dtype));
          answer = asAnswer(wrap(h));
        } else {
          const into = req.transient ? scratch.get(req.length) : Buffer.allocUnsafe(req.length);
          let done = 0;
          while (done < into.length) {
            const { bytesRead } = await fh.read(into, done, Math.min(into.length - done, 1 << 30), req.offset + done);
            if (bytesRead === 0) throw new TorchError('unexpected end of file while reading (the file is truncated)');
            done += bytesRead;
          }
          answer = into;
        }
      } catch (e) {
        step = gen.throw(e); // as in drive(): the plan cleans up
        continue;
      }
      step = gen.next(answer);
    }
    return step.value;
  } finally {
    await fh.close();
  }
}

function openError(file: string, e: unknown): Error {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new TorchError(`no such file: '${file}'`);
  if (code === 'EISDIR') return new TorchError(`'${file}' is a directory, not a file`);
  return new TorchError(`cannot open '${file}': ${(e as Error).message}`);
}

function openForReading(file: string): number {
  try {
    const fd = fs.openSync(file, 'r');
    if (fs.fstatSync(fd).isDirectory()) {
      fs.closeSync(fd);
      throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    }
    return fd;
  } catch (e) {
    throw openError(file, e);
  }
}
