/**
 * torch.distributed over LibTorch's c10d: the default process group (Gloo on CPU), its
 * collectives, a DistributedSampler for episode indices and a local launcher (torchrun's
 * variables for N worker processes). nn.parallel.DistributedDataParallel builds on it.
 */
export {
  Backend, ReduceOp, InitProcessGroupOptions, CollectiveOptions, initProcessGroup, destroyProcessGroup, isInitialized,
  isAvailable, isGlooAvailable, isNcclAvailable, getRank, getWorldSize, getBackend, allReduce, broadcast, barrier,
} from './process-group';
export { DistributedSampler, DistributedSamplerOptions } from './sampler';
export { launch, LaunchOptions, LaunchResult, freePort } from './launch';
