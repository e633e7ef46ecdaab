// Reads one file record straight into a fresh CPU tensor's storage (pread), so loading a
// checkpoint copies each tensor's bytes once — from the page cache into the tensor — as
// Python's torch.load does, instead of into a JS buffer and then again into the tensor.
#pragma once
#include <napi.h>

namespace svf {

void RegisterRecordRead(Napi::Env env, Napi::Object exports);

}  // namespace svf
