// Threads, seeds, CUDA availability and versions.
#pragma once
#include <napi.h>

namespace svf {
// Sets intra-op threads to the core count unless OMP_NUM_THREADS is set (once per process).
void InitThreads();
void RegisterRuntime(Napi::Env env, Napi::Object exports);
}
