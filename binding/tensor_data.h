// Bytes in and out of tensors, scalar reads, and the properties the TS Tensor exposes
// (shape, dtype, device, strides, storage identity for serialization).
#pragma once
#include <napi.h>

namespace svf {
void RegisterTensorData(Napi::Env env, Napi::Object exports);
}
