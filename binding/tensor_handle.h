// A tensor crosses into JS as a handle: a JS number that is no pointer but a slot of this
// environment's handle table, with the slot's generation and the environment's tag (see
// tensor_handle.cc for the bits). Creating one is a number in V8 and nothing else — no
// External, no napi reference, no finalizer — which is most of what a small op cost before.
// Safety: no handle value is ever dereferenced; a number outside the handle range, a handle of
// another environment (worker thread) and a disposed handle (the slot's generation moved on;
// the slot may hold a newer tensor) are refused. The backstop for handles JS drops without
// dispose is the Tensor's FinalizationRegistry (lib/memory.ts), which calls dispose and is
// withdrawn when the Tensor is disposed; a handle never wrapped into a Tensor has none, which
// is why library code wraps every handle at once.
// Bytes are reported to V8 so GC pressure follows native memory — but only for handles whose
// lifetime the GC decides: a handle made inside a tidy scope is disposed by that scope, so
// reporting it would only make V8 run a full (concurrent, core-stealing) mark-compact every
// training step. Such handles are reported when they escape the scopes (tidy returns them at
// top level, or keep()), see lib/memory.ts.
#pragma once
#include <ATen/core/Tensor.h>
#include <napi.h>
#include <cstdint>
#include <deque>

namespace svf {

struct HandleSlot {
  at::Tensor tensor;
  int64_t bytes = 0;              // what V8 was told (while reported): the view's bytes, at most its storage's
  uint32_t generation = 0;        // advances at every release: old handles to the slot go stale
  bool live = false;
  bool reported = false;  // bytes are counted in V8's external memory
};

// One per environment (AddonData): slots never move (deque), so a `const at::Tensor&` from
// UnwrapTensor stays valid while later results are wrapped. Released slots are reused first in,
// first out, so a slot's generation advances as slowly as possible.
struct HandleTable {
  std::deque<HandleSlot> slots;
  std::deque<uint32_t> free;
  uint32_t envTag = NextEnvTag();  // in every handle: one environment's handles fail in another

 private:
  static uint32_t NextEnvTag();
};

Napi::Value WrapTensor(Napi::Env env, at::Tensor tensor);
// The tensor behind a handle; TypeError if `value` is not a handle, TorchError if it was disposed.
const at::Tensor& UnwrapTensor(Napi::Env env, const Napi::Value& value, const char* what = "tensor");
bool IsTensorHandle(Napi::Env env, const Napi::Value& value);
void RegisterTensorHandle(Napi::Env env, Napi::Object exports);

}  // namespace svf
