// A tensor crosses into JS as a type-tagged Napi::External owning a TensorBox.
// dispose() frees the tensor at once; the External's finalizer is the backstop for handles
// JS dropped without dispose. Bytes are reported to V8 so GC pressure follows native memory —
// but only for handles whose lifetime the GC decides: a handle made inside a tidy scope is
// disposed by that scope, so reporting it would only make V8 run a full (concurrent, core-
// stealing) mark-compact every training step. Such handles are reported when they escape
// the scopes (tidy returns them at top level, or keep()), see lib/memory.ts.
#pragma once
#include <ATen/core/Tensor.h>
#include <napi.h>

namespace svf {

struct TensorBox {
  at::Tensor tensor;
  int64_t bytes = 0;              // what V8 is told: the view's bytes, at most its storage's
  const void* storage = nullptr;  // the storage counted in memory().numBytes (null: none)
  bool live = true;
  bool reported = false;  // bytes are counted in V8's external memory
};

Napi::Value WrapTensor(Napi::Env env, at::Tensor tensor);
// The tensor behind a handle; TypeError if `value` is not a handle, Error if it was disposed.
const at::Tensor& UnwrapTensor(Napi::Env env, const Napi::Value& value, const char* what = "tensor");
bool IsTensorHandle(Napi::Env env, const Napi::Value& value);
void RegisterTensorHandle(Napi::Env env, Napi::Object exports);

}  // namespace svf
