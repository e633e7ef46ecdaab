// The generic path to LibTorch's operators: `opHandle('aten::add', 'Tensor')` resolves an
// operator once, `callOp(id, ...args)` runs it through the dispatcher (autograd included),
// `callOpAsync(id, ...args)` runs it on a libuv worker thread and returns a Promise.
#pragma once
#include <napi.h>

namespace svf {
void RegisterOpCall(Napi::Env env, Napi::Object exports);
}
