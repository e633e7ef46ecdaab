/**
 * The one typed interface to the compiled addon (binding/*.cc). Everything else in lib/
 * calls LibTorch through `native`, never through `require` of the .node file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { TorchError } from './errors';

/** An opaque native tensor: a number naming a slot of the addon's handle table (binding/tensor_handle.h). */
export interface TensorHandle {
  readonly __tensorHandle: unique symbol;
}

export interface StorageInfo {
  /** Identity of the storage: equal keys mean the tensors share memory. */
  key: string;
  nbytes: number;
  /** Offset into the storage, in elements. */
  offset: number;
  strides: number[];
}

/** One row of the addon's dtype table (binding/dtypes.h), the project's only one. */
export interface DtypeInfo {
  readonly name: string;
  /** The c10::ScalarType code that crosses the boundary. */
  readonly code: number;
  readonly itemSize: number;
  readonly isFloatingPoint: boolean;
  readonly isComplex: boolean;
  readonly isSigned: boolean;
  /** PyTorch's storage class for it (`FloatStorage` …). */
  readonly storageClass: string;
  /** PyTorch's other attribute name (`torch.float` …), or null. */
  readonly legacyName: string | null;
}

export interface NativeBinding {
  setErrorClass(cls: new (message: string) => Error): void;
  readonly dtypeCodes: Readonly<Record<string, number>>;
  readonly dtypes: readonly DtypeInfo[];

  // tensor_handle.cc
  dispose(h: TensorHandle): void;
  isDisposed(h: TensorHandle): boolean;
  isHandle(v: unknown): v is TensorHandle;
  memory(): { numTensors: number; numBytes: number; externalBytes: number };
  /** [0] is 1 while a tidy scope is open: handles made meanwhile are not reported to V8 (read by the addon). */
  readonly scopeFlag: Uint8Array;
  /** Reports a handle's bytes to V8 (it left every scope); idempotent. */
  reportExternal(h: TensorHandle): void;
  /** Tests only: an External without svf-torch's type tag (every entry point must reject it). */
  makeForeignExternal(): unknown;

  // factored_conv.cc: (conv_U(conv_V(x)·s) + bias)·scale + shift as one autograd node (U, V,
  // bias, scale, shift frozen; scale/shift per output channel, both or neither);
  // geometry = [strideH, strideW, padH, padW, dilationH, dilationW, groups] of conv_V.
  factoredConv2d(x: TensorHandle, v: TensorHandle, s: TensorHandle, u: TensorHandle, bias: TensorHandle | null,
    scale: TensorHandle | null, shift: TensorHandle | null, geometry: number[]): TensorHandle;

  // masked_relu.cc: x.relu_() whose backward keeps a bool mask, not the output; returns x.
  reluMasked_(x: TensorHandle): TensorHandle;

  // record_read.cc: a new CPU tensor read from fd at offset (pread), length = its bytes exactly.
  readRecord(fd: number, offset: number, length: number, shape: number[], dtypeCode: number): TensorHandle;
  readRecordAsync(fd: number, offset: number, length: number, shape: number[], dtypeCode: number): Promise<TensorHandle>;

  // tensor_data.cc
  fromBuffer(bytes: ArrayBuffer | ArrayBufferView, shape: number[], dtypeCode: number): TensorHandle;
  toBuffer(h: TensorHandle): ArrayBuffer;
  storageBytes(h: TensorHandle): ArrayBuffer;
  storageInfo(h: TensorHandle): StorageInfo;
  /** Storage identity and version counter, "<id>@<version>": equal keys mean unchanged values. */
  versionKey(h: TensorHandle): string;
  item(h: TensorHandle): number | boolean;
  shape(h: TensorHandle): number[];
  strides(h: TensorHandle): number[];
  dtype(h: TensorHandle): number;
  device(h: TensorHandle): string;
  numel(h: TensorHandle): number;
  ndim(h: TensorHandle): number;
  sameTensor(a: TensorHandle, b: TensorHandle): boolean;
  isContiguous(h: TensorHandle): boolean;
  toString(h: TensorHandle): string;

  // op_call.cc — any ATen operator by schema name
  opHandle(name: string, overload?: string): number;
  opSchema(id: number): string;
  callOp(id: number, ...args: unknown[]): any;
  callOpAsync(id: number, ...args: unknown[]): Promise<any>;

  // autograd.cc
  requiresGrad(h: TensorHandle): boolean;
  setRequiresGrad(h: TensorHandle, flag: boolean): void;
  isLeaf(h: TensorHandle): boolean;
  gradFnName(h: TensorHandle): string | null;
  grad(h: TensorHandle): TensorHandle | null;
  setGrad(h: TensorHandle, g: TensorHandle | null): void;
  retainGrad(h: TensorHandle): void;
  backward(h: TensorHandle, grad: TensorHandle | null, retainGraph?: boolean, createGraph?: boolean): void;
  autogradGrad(
    outputs: TensorHandle[],
    inputs: TensorHandle[],
    gradOutputs: (TensorHandle | null)[] | null,
    retainGraph?: boolean,
    createGraph?: boolean,
    allowUnused?: boolean,
  ): (TensorHandle | null)[];
  setGradEnabled(flag: boolean): boolean;
  isGradEnabled(): boolean;

  // runtime.cc
  getNumThreads(): number;
  setNumThreads(n: number): void;
  manualSeed(seed: number | bigint): void;
  // cuda.cc
  cudaIsAvailable(): boolean;
  cudaDeviceCount(): number;
  cudaSynchronize(device?: number): void;
  cudaMemoryAllocated(device?: number): number;
  cudaMaxMemoryAllocated(device?: number): number;
  cudaResetPeakMemoryStats(device?: number): void;
  cudaEmptyCache(): void;
  cudaManualSeedAll(seed: number | bigint): void;
  /** What the binary was built for: LibTorch version, CUDA version of the build (null: CPU), C++ ABI. */
  version(): { libtorch: string; cuda: string | null; cxx11Abi: boolean; headers: string; cudaRuntime: string | null };
  /** glibc malloc_trim(0): freed heap back to the OS; whether anything was released. */
  trimMemory(): boolean;
  /** torch.randperm(n, generator=g) with a fresh CPU generator seeded with `seed` (int64). */
  randpermSeeded(n: number, seed: number): TensorHandle;

  // distributed.cc (process group over c10d; collectives block, or return a Promise when async)
  distInit(backend: string, rank: number, worldSize: number, storeKind: 'tcp' | 'file', address: string, port: number,
    storeServer: boolean, storePrefix: string, timeoutMs: number): void;
  /** null when this binary can make the backend, else why not. */
  distBackendUnavailable(backend: string): string | null;
  distIsInitialized(): boolean;
  distRank(): number;
  distWorldSize(): number;
  distBackend(): string;
  distDestroy(): void;
  distAllReduce(h: TensorHandle, op: number, asyncOp: boolean): void | Promise<void>;
  distBroadcast(h: TensorHandle, src: number, asyncOp: boolean): void | Promise<void>;
  distBarrier(asyncOp: boolean): void | Promise<void>;
  // ddp_reducer.cc (PyTorch's c10d::Reducer on the default group)
  ddpReducerNew(params: TensorHandle[], names: string[], bucketCapBytes: number, findUnusedParameters: boolean): ReducerHandle;
  ddpPrepareForForward(r: ReducerHandle): void;
  ddpRebuildBuckets(r: ReducerHandle): boolean;
  ddpPrepareForBackward(r: ReducerHandle, outputs: TensorHandle[]): void;
  ddpReducerFree(r: ReducerHandle): void;
  ddpBroadcastCoalesced(tensors: TensorHandle[], bufferBytes: number, src: number): void;
  ddpVerifyParams(params: TensorHandle[]): void;
}

/** An opaque c10d::Reducer (a type-tagged External). */
export interface ReducerHandle {
  readonly __reducerHandle: unique symbol;
}

/** The package root: the folder holding svf-torch's package.json (works from lib/ and dist/lib/). */
export function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      try {
        if (JSON.parse(fs.readFileSync(pj, 'utf8')).name === 'svf-torch') return dir;
      } catch {
        /* keep looking */
      }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error('svf-torch: cannot find the package root from ' + __dirname);
    dir = up;
  }
}

interface AddonLoader {
  load(root: string): { binding: NativeBinding; libtorch: LibTorchInfo | null; file: string };
}

/** The LibTorch the addon was loaded with (scripts/libtorch.js), null for an explicit SVF_TORCH_ADDON. */
export interface LibTorchInfo {
  source: 'LIBTORCH' | 'pytorch' | 'system';
  root: string;
  libDir: string;
  version: string;
  fullVersion: string;
  cuda: string | null;
  cxx11Abi: boolean | null;
}

/**
 * scripts/addon-loader.js (plain JS: `npm install` runs it before TypeScript exists) picks the
 * binary that fits the user's LibTorch and throws one actionable error when none does.
 */
function load(): { binding: NativeBinding; libtorch: LibTorchInfo | null; file: string } {
  const root = packageRoot();
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const loader = require(path.join(root, 'scripts', 'addon-loader.js')) as AddonLoader;
  const loaded = loader.load(root);
  loaded.binding.setErrorClass(TorchError);
  return loaded;
}

const loaded = load();
/**
 * The binding's functions in an object with fast properties: the addon's exports object is in
 * dictionary mode (napi adds its properties one by one), which made every `native.callOp` load a
 * hash lookup — measurable on the per-op path.
 */
export const native: NativeBinding = { ...loaded.binding };
/** The LibTorch in use and the binary file loaded for it. */
export const loadedFrom: Readonly<{ libtorch: LibTorchInfo | null; file: string }> = Object.freeze({
  libtorch: loaded.libtorch,
  file: loaded.file,
});
