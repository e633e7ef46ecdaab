/** Threads, seeds, CUDA and versions. */
import { native } from './native';

export function manualSeed(seed: number | bigint): void {
  native.manualSeed(seed);
}

export function getNumThreads(): number {
  return native.getNumThreads();
}

export function setNumThreads(n: number): void {
  if (!Number.isInteger(n)) throw new TypeError('setNumThreads(n): n must be an integer');
  if (n < 1) throw new RangeError('setNumThreads(n): n must be at least 1');
  native.setNumThreads(n);
}

/**
 * Returns the heap memory freed tensors left behind to the operating system (glibc's
 * malloc_trim): after disposing a model, RSS drops by what the allocator kept for reuse
 * (later allocations may take it back). False if nothing was released (or the C library has
 * no such call).
 */
export function trimMemory(): boolean {
  return native.trimMemory();
}

export const cuda = {
  isAvailable: (): boolean => native.cudaIsAvailable(),
  deviceCount: (): number => native.cudaDeviceCount(),
  synchronize: (device?: number): void => {
    if (device !== undefined && !Number.isInteger(device)) throw new TypeError('cuda.synchronize(device): device must be an integer');
    native.cudaSynchronize(device);
  },
};

// eslint-disable-next-line @typescript-eslint/no-var-requires
const pkg = require(require('path').join(require('./native').packageRoot(), 'package.json')) as { version: string };
const v = native.version();

/** { package, libtorch, cuda }: svf-torch's version and the LibTorch/CUDA it was built against. */
export const version: Readonly<{ package: string; libtorch: string; cuda: string | null }> = Object.freeze({
  package: pkg.version,
  libtorch: v.libtorch,
  cuda: v.cuda,
});
