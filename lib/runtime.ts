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

/** An optional CUDA device index argument (undefined = the current device). */
function deviceIndex(what: string, device: number | undefined): number | undefined {
  if (device === undefined) return undefined;
  if (!Number.isInteger(device)) throw new TypeError(`cuda.${what}(device): device must be an integer`);
  if (device < 0) throw new RangeError(`cuda.${what}(device): device must be >= 0`);
  return device;
}

/** torch.cuda: availability, devices and the caching allocator, with PyTorch's behaviour without CUDA. */
export const cuda = {
  isAvailable: (): boolean => native.cudaIsAvailable(),
  deviceCount: (): number => native.cudaDeviceCount(),
  synchronize: (device?: number): void => native.cudaSynchronize(deviceIndex('synchronize', device)),
  /** Bytes held by tensors on the device (0 where CUDA is not in use, as PyTorch). */
  memoryAllocated: (device?: number): number => native.cudaMemoryAllocated(deviceIndex('memoryAllocated', device)),
  /** The peak of memoryAllocated since the start or the last resetPeakMemoryStats. */
  maxMemoryAllocated: (device?: number): number => native.cudaMaxMemoryAllocated(deviceIndex('maxMemoryAllocated', device)),
  resetPeakMemoryStats: (device?: number): void => native.cudaResetPeakMemoryStats(deviceIndex('resetPeakMemoryStats', device)),
  /** Returns cached, unused blocks to the driver (a no-op without CUDA). */
  emptyCache: (): void => native.cudaEmptyCache(),
  /** Seeds every CUDA device's generator (a no-op without CUDA, as PyTorch). */
  manualSeedAll: (seed: number | bigint): void => native.cudaManualSeedAll(seed),
};

// eslint-disable-next-line @typescript-eslint/no-var-requires
const pkg = require(require('path').join(require('./native').packageRoot(), 'package.json')) as { version: string };
const v = native.version();

/**
 * { package, libtorch, cuda, cxx11Abi }: svf-torch's version and what its binary was built for;
 * `cuda` is the CUDA version of that LibTorch build (null for a CPU build), whether or not a GPU
 * is present — as torch.version.cuda.
 */
export const version: Readonly<{ package: string; libtorch: string; cuda: string | null; cxx11Abi: boolean }> = Object.freeze({
  package: pkg.version,
  libtorch: v.libtorch,
  cuda: v.cuda,
  cxx11Abi: v.cxx11Abi,
});

/**
 * Whether the LibTorch in use is at least major.minor. For behaviour that PyTorch changed
 * between lines (a state_dict layout, say): svf-torch follows the line it runs on, so files and
 * states match what that line's Python torch writes and reads.
 */
const [libtorchMajor, libtorchMinor] = version.libtorch.split('.').map(Number);
export function libtorchAtLeast(major: number, minor: number): boolean {
  return libtorchMajor > major || (libtorchMajor === major && libtorchMinor >= minor);
}
