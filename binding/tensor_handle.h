// A tensor crosses into JS as a type-tagged Napi::External owning a TensorBox.
// dispose() frees the tensor at once; the External's finalizer is the backstop for handles
// JS dropped without dispose. Bytes are reported to V8 so GC pressure follows native memory.
#pragma once
#include <ATen/core/Tensor.h>
#include <napi.h>

namespace svf {

struct TensorBox {
  at::Tensor tensor;
  int64_t bytes = 0;
  bool live = true;
};

Napi::Value WrapTensor(Napi::Env env, at::Tensor tensor);
// The tensor behind a handle; TypeError if `value` is not a handle, Error if it was disposed.
const at::Tensor& UnwrapTensor(Napi::Env env, const Napi::Value& value, const char* what = "tensor");
bool IsTensorHandle(Napi::Env env, const Napi::Value& value);
void RegisterTensorHandle(Napi::Env env, Napi::Object exports);

}  // namespace svf
