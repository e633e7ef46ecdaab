#include "runtime.h"
#include <ATen/Context.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Functions.h>
#include <ATen/Parallel.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <torch/csrc/api/include/torch/version.h>
#include <cmath>
#include <cstdlib>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <mutex>
#include <thread>
#include "guard.h"
#include "js_args.h"
#include "tensor_handle.h"

namespace svf {

void InitThreads() {
  static std::once_flag once;
  std::call_once(once, [] {
    // This LibTorch starts with one intra-op thread; PyTorch's own default is the core count.
    const char* omp = std::getenv("OMP_NUM_THREADS");
    if (omp == nullptr || *omp == '\0') {
      unsigned cores = std::thread::hardware_concurrency();
      if (cores > 0) at::set_num_threads(static_cast<int>(cores));
    }
  });
}

namespace {

constexpr int kMaxThreads = 1024;

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), at::get_num_threads());
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsNumber()) ThrowTypeError(info.Env(), "setNumThreads(n): n must be a number");
  double n = info[0].As<Napi::Number>().DoubleValue();
  // An OpenMP pool of millions of threads would take the process down: bound it.
  if (!(n >= 1 && n <= kMaxThreads) || std::floor(n) != n)
    ThrowRangeError(info.Env(), "setNumThreads(n): n must be an integer from 1 to " + std::to_string(kMaxThreads));
  at::set_num_threads(static_cast<int>(n));
  return info.Env().Undefined();
}

Napi::Value ManualSeed(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !(info[0].IsNumber() || info[0].IsBigInt()))
    ThrowTypeError(info.Env(), "manualSeed(n): n must be a number or bigint");
  uint64_t seed;
  if (info[0].IsBigInt()) {
    bool lossless = false;
    seed = info[0].As<Napi::BigInt>().Uint64Value(&lossless);
    if (!lossless) ThrowRangeError(info.Env(), "manualSeed(n): n must be a non-negative integer below 2^64");
  } else {
    double d = info[0].As<Napi::Number>().DoubleValue();
    if (!(d >= 0 && d <= 9007199254740991.0) || std::floor(d) != d)
      ThrowRangeError(info.Env(), "manualSeed(n): n must be a non-negative integer");
    seed = static_cast<uint64_t>(d);
  }
  at::manual_seed(seed);  // CPU and every CUDA device, as torch.manual_seed
  return info.Env().Undefined();
}

// randpermSeeded(n, seed): torch.randperm(n, generator=g) with a fresh CPU generator seeded
// with `seed` (g = torch.Generator(); g.manual_seed(seed)), leaving the global generator alone:
// what torch.utils.data.DistributedSampler shuffles with, so the same seed gives PyTorch's order.
Napi::Value RandpermSeeded(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int64_t n = ReadInt(env, info[0], "randpermSeeded(n, seed): n", 0);
  const int64_t seed = ReadInt(env, info[1], "randpermSeeded(n, seed): seed", 0);
  at::Generator gen = at::detail::createCPUGenerator(static_cast<uint64_t>(seed));
  return WrapTensor(env, at::randperm(n, gen, at::TensorOptions().dtype(at::kLong)));
}

// Hands the heap memory that freed tensors left behind back to the OS (glibc keeps freed
// chunks for reuse; after disposing a whole model that is its weights' size in RSS).
// Returns whether anything was released; false where the C library has no such call.
Napi::Value TrimMemory(const Napi::CallbackInfo& info) {
#if defined(__GLIBC__)
  return Napi::Boolean::New(info.Env(), malloc_trim(0) != 0);
#else
  return Napi::Boolean::New(info.Env(), false);
#endif
}

// What this binary was built for (set by CMakeLists.txt from scripts/libtorch.js): the loader
// compares it with the LibTorch it finds. `cuda` is the CUDA version of the build, whether or
// not a GPU is present (torch.version.cuda); `cudaRuntime` is what the loaded CUDA runtime reports.
Napi::Value Version(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  out.Set("libtorch", Napi::String::New(env, SVF_BUILT_LIBTORCH));
  const std::string cuda = SVF_BUILT_CUDA;
  out.Set("cuda", cuda.empty() ? env.Null() : Napi::String::New(env, cuda));
  out.Set("cxx11Abi", Napi::Boolean::New(env, _GLIBCXX_USE_CXX11_ABI != 0));
  out.Set("headers", Napi::String::New(env, TORCH_VERSION));
  if (at::detail::getCUDAHooks().hasCUDA()) {
    long v = at::detail::getCUDAHooks().versionCUDART();
    out.Set("cudaRuntime", Napi::String::New(env, std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10)));
  } else {
    out.Set("cudaRuntime", env.Null());
  }
  return out;
}

}  // namespace

void RegisterRuntime(Napi::Env env, Napi::Object exports) {
  Export<GetNumThreads>(env, exports, "getNumThreads");
  Export<SetNumThreads>(env, exports, "setNumThreads");
  Export<ManualSeed>(env, exports, "manualSeed");
  Export<Version>(env, exports, "version");
  Export<TrimMemory>(env, exports, "trimMemory");
  Export<RandpermSeeded>(env, exports, "randpermSeeded");
}

}  // namespace svf
