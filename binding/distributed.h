// torch.distributed's process-group functions over LibTorch's c10d (c10d_group.h holds the
// group): init/destroy, rank and world size, allreduce, broadcast, barrier. Collectives block
// like PyTorch's (async_op=False) until done or until the group's timeout, or with `async`
// return a Promise that a libuv thread settles; a dead or silent peer ends either as a
// TorchError, never a hang past the timeout.
#pragma once
#include <napi.h>

namespace svf {
void RegisterDistributed(Napi::Env env, Napi::Object exports);
}
