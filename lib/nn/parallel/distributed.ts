/**
 * nn.parallel.DistributedDataParallel with torch/nn/parallel/distributed.py's semantics, on
 * PyTorch's own engine: at construction every rank checks its parameters against rank 0's and
 * takes rank 0's parameters and buffers (coalesced broadcast); the gradients of the trainable
 * (requiresGrad) parameters are averaged across ranks during backward by c10d::Reducer (autograd
 * hooks on the gradient accumulators, 25 MB buckets all-reduced as they fill, rebuilt in
 * gradient order after the first iteration); buffers are re-broadcast from rank 0 before each
 * forward (broadcastBuffers). state_dict keys carry the `module.` prefix, as PyTorch's.
 */
import { isGradEnabled } from '../../autograd';
import { TorchError } from '../../errors';
import { native, ReducerHandle } from '../../native';
import { tidy } from '../../memory';
import { Tensor } from '../../tensor';
import { Module } from '../module';

export interface DistributedDataParallelOptions {
  /** Re-broadcast rank 0's buffers before every forward (default true, as PyTorch). */
  broadcastBuffers?: boolean;
  /** Bucket size in MiB (default 25, as PyTorch). */
  bucketCapMb?: number;
  /** Find parameters the forward did not use, so their gradients are not waited for (default false). */
  findUnusedParameters?: boolean;
}

// DDP's broadcast_bucket_size for parameters and buffers: 250 MiB.
const BROADCAST_BUCKET_BYTES = 250 * 1024 * 1024;

/** Every tensor inside a forward's output (PyTorch's _find_tensors). */
function findTensors(out: unknown, acc: Tensor[] = []): Tensor[] {
  if (out instanceof Tensor) acc.push(out);
  else if (Array.isArray(out)) for (const v of out) findTensors(v, acc);
  else if (out instanceof Map) for (const v of out.values()) findTensors(v, acc);
  else if (out !== null && typeof out === 'object') for (const v of Object.values(out)) findTensors(v, acc);
  return acc;
}

export class DistributedDataParallel<M extends Module = Module> extends Module {
  readonly broadcastBuffers: boolean;
  readonly findUnusedParameters: boolean;
  readonly bucketBytesCap: number;
  /** false inside noSync(): gradients accumulate locally (PyTorch's require_backward_grad_sync). */
  requireBackwardGradSync = true;
  /** Whether the next forward re-broadcasts buffers (PyTorch's require_forward_param_sync). */
  requireForwardParamSync = true;
  private reducer: ReducerHandle | null;

  constructor(module: M, opts: DistributedDataParallelOptions = {}) {
    super();
    if (!(module instanceof Module)) throw new TypeError('DistributedDataParallel(module): module must be an nn.Module');
    if (opts === null || typeof opts !== 'object') throw new TypeError('DistributedDataParallel: options must be an object');
    const { broadcastBuffers = true, bucketCapMb = 25, findUnusedParameters = false } = opts;
    if (typeof broadcastBuffers !== 'boolean') throw new TypeError('DistributedDataParallel: broadcastBuffers must be a boolean');
    if (typeof findUnusedParameters !== 'boolean') throw new TypeError('DistributedDataParallel: findUnusedParameters must be a boolean');
    if (typeof bucketCapMb !== 'number' || Number.isNaN(bucketCapMb)) throw new TypeError('DistributedDataParallel: bucketCapMb must be a number');
    if (!(bucketCapMb > 0)) throw new RangeError(`DistributedDataParallel: bucketCapMb must be positive, got ${bucketCapMb}`);
    this.broadcastBuffers = broadcastBuffers;
    this.findUnusedParameters = findUnusedParameters;
    this.bucketBytesCap = Math.floor(bucketCapMb * 1024 * 1024);
    if (!native.distIsInitialized())
      throw new TorchError('DistributedDataParallel: Default process group has not been initialized, please make sure to call initProcessGroup.');
    this.registerModule('module', module);

    // _build_params_for_reducer: the trainable parameters, each once, in module order.
    const trainable = module.namedParameters().filter(([, p]) => p.requiresGrad);
    if (trainable.length === 0)
      throw new RangeError("DistributedDataParallel is not needed when a module doesn't have any parameter that requires a gradient.");
    const params = trainable.map(([, p]) => p.handle);
    native.ddpVerifyParams(params);
    // _sync_module_states: rank 0's parameters (trainable or not) and buffers everywhere.
    tidy(() => {
      const states = [...module.parameters(), ...(broadcastBuffers ? module.buffers() : [])].map((t) => t.detach().handle);
      native.ddpBroadcastCoalesced(states, BROADCAST_BUCKET_BYTES, 0);
    });
    this.reducer = native.ddpReducerNew(params, trainable.map(([n]) => n), this.bucketBytesCap, findUnusedParameters);
  }

  get module(): M {
    return this.getChild<M>('module');
  }

  forward(...args: unknown[]): any {
    const reducer = this.liveReducer();
    const grad = isGradEnabled();
    if (grad && this.requireBackwardGradSync) native.ddpPrepareForForward(reducer);
    // Before the forward, while memory is low: after the first iteration the Reducer rebuilds
    // its buckets in the order the gradients arrived.
    if (grad) native.ddpRebuildBuckets(reducer);
    if (this.willSyncModuleBuffers()) this.syncBuffers();
    const output = this.module.forward(...args);
    if (grad && this.requireBackwardGradSync) {
      this.requireForwardParamSync = true;
      const outputs = this.findUnusedParameters ? findTensors(output).map((t) => t.handle) : [];
      native.ddpPrepareForBackward(reducer, outputs);
    } else {
      this.requireForwardParamSync = false;
    }
    return output;
  }

  /** Runs `fn` (forwards and backwards) without averaging gradients: they accumulate locally (PyTorch's no_sync). */
  noSync<T>(fn: () => T): T {
    const previous = this.requireBackwardGradSync;
    this.requireBackwardGradSync = false;
    try {
      return fn();
    } finally {
      this.requireBackwardGradSync = previous;
    }
  }

  private willSyncModuleBuffers(): boolean {
    return this.requireForwardParamSync && this.broadcastBuffers && this.module.buffers().length > 0;
  }

  private syncBuffers(): void {
    tidy(() => native.ddpBroadcastCoalesced(this.module.buffers().map((b) => b.detach().handle), BROADCAST_BUCKET_BYTES, 0));
  }

  private liveReducer(): ReducerHandle {
    if (this.reducer === null) throw new Error('this DistributedDataParallel was disposed');
    return this.reducer;
  }

  /** Frees the Reducer (its autograd hooks go with it); called by dispose(). */
  protected releaseDerived(): void {
    if (this.reducer !== null) native.ddpReducerFree(this.reducer);
    this.reducer = null;
  }

  /** Frees the Reducer but leaves the wrapped module's tensors alone. */
  release(): void {
    this.releaseDerived();
  }

  extraRepr(): string {
    return '';
  }
}

