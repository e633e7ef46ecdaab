/** torch.nn.parallel: DistributedDataParallel over torch.distributed's default group. */
export { DistributedDataParallel, DistributedDataParallelOptions } from './distributed';
