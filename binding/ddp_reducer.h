// nn.parallel.DistributedDataParallel's native half: PyTorch's own c10d::Reducer (autograd
// hooks on the parameters' gradient accumulators, buckets, all-reduce of gradients divided by
// the world size, exactly torch/nn/parallel/distributed.py's engine), plus the coalesced
// broadcast and the cross-rank parameter check DDP runs at construction.
#pragma once
#include <napi.h>

namespace svf {
void RegisterDdpReducer(Napi::Env env, Napi::Object exports);
}
