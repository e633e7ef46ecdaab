#include "cuda.h"
#include <ATen/Context.h>
#include <ATen/core/Generator.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <torch/csrc/api/include/torch/cuda.h>
#include <torch/csrc/api/include/torch/version.h>
#include <mutex>
#include "guard.h"
#include "js_args.h"

// LibTorch 2.9 made the CUDA caching allocator reachable through c10's device-generic
// DeviceAllocator interface; older lines only expose it through CUDA headers.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 9)
#include <c10/core/CachingDeviceAllocator.h>
#define SVF_HAS_DEVICE_ALLOCATOR 1
#else
#define SVF_HAS_DEVICE_ALLOCATOR 0
#endif

namespace svf {
namespace {

constexpr int64_t kMaxDevice = 1023;

bool Available() { return torch::cuda::is_available(); }

// The device argument (index or undefined = the current device), checked against the count.
c10::DeviceIndex ReadDevice(const Napi::CallbackInfo& info, const char* what) {
  Napi::Env env = info.Env();
  int64_t device = -1;
  if (info.Length() > 0 && !info[0].IsUndefined() && !info[0].IsNull()) {
    device = ReadInt(env, info[0], std::string(what) + "(device): device", 0);
    if (device > kMaxDevice) ThrowRangeError(env, std::string(what) + "(device): no such device index");
  }
  if (!Available()) return -1;
  if (device < 0) return static_cast<c10::DeviceIndex>(at::detail::getCUDAHooks().current_device());
  TORCH_CHECK(device < static_cast<int64_t>(torch::cuda::device_count()), what, ": no CUDA device ", device,
              " (", torch::cuda::device_count(), " visible)");
  return static_cast<c10::DeviceIndex>(device);
}

Napi::Value IsAvailable(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), Available()); }

Napi::Value DeviceCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(torch::cuda::device_count()));
}

Napi::Value Synchronize(const Napi::CallbackInfo& info) {
  c10::DeviceIndex device = ReadDevice(info, "cuda.synchronize");
  TORCH_CHECK(Available(), "CUDA is not available: this LibTorch has no CUDA or no GPU is visible");
  torch::cuda::synchronize(device);
  return info.Env().Undefined();
}

#if SVF_HAS_DEVICE_ALLOCATOR
c10::DeviceAllocator* Allocator() { return c10::getDeviceAllocator(c10::DeviceType::CUDA); }
double Aggregate(const c10::CachingDeviceAllocator::StatArray& stat, bool peak) {
  const auto& s = stat[static_cast<size_t>(c10::CachingDeviceAllocator::StatType::AGGREGATE)];
  return static_cast<double>(peak ? s.peak : s.current);
}
#endif

// Like torch.cuda.memory_allocated: 0 until CUDA is in use (and on machines without it).
template <bool Peak>
Napi::Value MemoryAllocated(const Napi::CallbackInfo& info) {
  c10::DeviceIndex device = ReadDevice(info, Peak ? "cuda.maxMemoryAllocated" : "cuda.memoryAllocated");
  if (device < 0) return Napi::Number::New(info.Env(), 0);
#if SVF_HAS_DEVICE_ALLOCATOR
  return Napi::Number::New(info.Env(), Aggregate(Allocator()->getDeviceStats(device).allocated_bytes, Peak));
#else
  TORCH_CHECK(false, "CUDA memory statistics need LibTorch 2.9 or newer (this is ", TORCH_VERSION, ")");
#endif
}

Napi::Value ResetPeakMemoryStats(const Napi::CallbackInfo& info) {
  c10::DeviceIndex device = ReadDevice(info, "cuda.resetPeakMemoryStats");
  TORCH_CHECK(device >= 0, "cuda.resetPeakMemoryStats: CUDA is not available");
#if SVF_HAS_DEVICE_ALLOCATOR
  Allocator()->resetPeakStats(device);
#else
  TORCH_CHECK(false, "CUDA memory statistics need LibTorch 2.9 or newer (this is ", TORCH_VERSION, ")");
#endif
  return info.Env().Undefined();
}

// Like torch.cuda.empty_cache: returns cached blocks to the driver; nothing to do without CUDA.
Napi::Value EmptyCache(const Napi::CallbackInfo& info) {
  if (!Available()) return info.Env().Undefined();
#if SVF_HAS_DEVICE_ALLOCATOR
  Allocator()->emptyCache();
#else
  TORCH_CHECK(false, "cuda.emptyCache needs LibTorch 2.9 or newer (this is ", TORCH_VERSION, ")");
#endif
  return info.Env().Undefined();
}

// Like torch.cuda.manual_seed_all: every CUDA device's default generator; a no-op without CUDA.
Napi::Value ManualSeedAll(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !(info[0].IsNumber() || info[0].IsBigInt()))
    ThrowTypeError(env, "cuda.manualSeedAll(n): n must be a number or bigint");
  uint64_t seed;
  if (info[0].IsBigInt()) {
    bool lossless = false;
    seed = info[0].As<Napi::BigInt>().Uint64Value(&lossless);
    if (!lossless) ThrowRangeError(env, "cuda.manualSeedAll(n): n must be a non-negative integer below 2^64");
  } else {
    seed = static_cast<uint64_t>(ReadInt(env, info[0], "cuda.manualSeedAll(n): n", 0));
  }
  if (!Available()) return env.Undefined();
  const auto count = static_cast<int64_t>(torch::cuda::device_count());
  for (int64_t i = 0; i < count; ++i) {
    auto gen = at::globalContext().defaultGenerator(c10::Device(c10::DeviceType::CUDA, static_cast<c10::DeviceIndex>(i)));
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_current_seed(seed);
  }
  return env.Undefined();
}

}  // namespace

void RegisterCuda(Napi::Env env, Napi::Object exports) {
  Export<IsAvailable>(env, exports, "cudaIsAvailable");
  Export<DeviceCount>(env, exports, "cudaDeviceCount");
  Export<Synchronize>(env, exports, "cudaSynchronize");
  Export<MemoryAllocated<false>>(env, exports, "cudaMemoryAllocated");
  Export<MemoryAllocated<true>>(env, exports, "cudaMaxMemoryAllocated");
  Export<ResetPeakMemoryStats>(env, exports, "cudaResetPeakMemoryStats");
  Export<EmptyCache>(env, exports, "cudaEmptyCache");
  Export<ManualSeedAll>(env, exports, "cudaManualSeedAll");
}

}  // namespace svf
