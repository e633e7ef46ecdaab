// CUDA runtime entry points: availability, devices, synchronisation, the caching allocator's
// statistics (torch.cuda.memory_allocated & co.) and seeding. No CUDA headers: everything goes
// through LibTorch's device-generic hooks and allocator interfaces, so the addon builds without
// a CUDA toolkit and answers "no CUDA" on CPU builds.
#pragma once
#include <napi.h>

namespace svf {
void RegisterCuda(Napi::Env env, Napi::Object exports);
}
