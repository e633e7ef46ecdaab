#include "ddp_reducer.h"
#include <algorithm>
#include <limits>
#include <torch/csrc/api/include/torch/version.h>
#include <torch/csrc/distributed/c10d/comm.hpp>
#include <torch/csrc/distributed/c10d/logger.hpp>
#include <torch/csrc/distributed/c10d/reducer.hpp>
#include "c10d_group.h"
#include "guard.h"
#include "js_args.h"
#include "tensor_handle.h"

namespace svf {
namespace {

const napi_type_tag kReducerTag = {0x3c0d4e5fa1b2c3d4ULL, 0x9e8f7a6b5c4d3e2fULL};

struct ReducerBox {
  std::shared_ptr<c10d::Reducer> reducer;
  std::shared_ptr<c10d::Logger> logger;  // the Reducer reports errors through it, as under Python
};

std::vector<at::Tensor> Tensors(Napi::Env env, const Napi::Value& v, const char* what) {
  if (!v.IsArray()) ThrowTypeError(env, std::string(what) + " must be an array of tensors");
  Napi::Array arr = v.As<Napi::Array>();
  std::vector<at::Tensor> out;
  out.reserve(arr.Length());
  for (uint32_t i = 0; i < arr.Length(); ++i) out.push_back(UnwrapTensor(env, arr.Get(i), what));
  return out;
}

ReducerBox& Unbox(Napi::Env env, const Napi::Value& v) {
  if (!v.IsExternal() || !v.As<Napi::External<ReducerBox>>().CheckTypeTag(&kReducerTag))
    ThrowTypeError(env, "expected a DDP reducer handle");
  ReducerBox* box = v.As<Napi::External<ReducerBox>>().Data();
  TORCH_CHECK(box->reducer, "this DistributedDataParallel has been disposed");
  return *box;
}

// ddpReducerNew(params[], names[], bucketCapBytes, findUnusedParameters): as DDP's
// _ddp_init_helper on the default group, buckets in reverse parameter order.
Napi::Value ReducerNew(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<at::Tensor> params = Tensors(env, info[0], "parameters");
  if (!info[1].IsArray()) ThrowTypeError(env, "names must be an array of strings");
  Napi::Array names = info[1].As<Napi::Array>();
  if (names.Length() != params.size()) ThrowTypeError(env, "names must have one name per parameter");
  std::unordered_map<size_t, std::string> paramNames;
  for (uint32_t i = 0; i < names.Length(); ++i) paramNames[i] = names.Get(i).ToString().Utf8Value();
  const int64_t bucketCap = ReadInt(env, info[2], "bucketCapBytes", 1);
  if (!info[3].IsBoolean()) ThrowTypeError(env, "findUnusedParameters must be a boolean");
  const bool findUnused = info[3].As<Napi::Boolean>().Value();
  auto group = DefaultGroup("DistributedDataParallel");
  TORCH_CHECK(!params.empty(), "DistributedDataParallel is not needed when a module doesn't have any parameter that "
              "requires a gradient.");
  const std::vector<bool> sparse(params.size(), false);

#if TORCH_VERSION_MAJOR >= 2
  // BucketCapacityConfig.compute_bucket_size_limits: one bucket until the Reducer rebuilds
  // them in gradient-ready order after the first iteration, unless unused parameters are sought.
  std::vector<size_t> limits{std::numeric_limits<size_t>::max()};
  if (findUnused) limits = {static_cast<size_t>(c10d::kDefaultFirstBucketBytes), static_cast<size_t>(bucketCap)};
#else
  std::vector<size_t> limits{static_cast<size_t>(c10d::kDefaultFirstBucketBytes), static_cast<size_t>(bucketCap)};
#endif
  auto assignment = c10d::compute_bucket_assignment_by_size(params, limits, sparse);
  std::vector<std::vector<size_t>> buckets = std::get<0>(assignment);
  std::reverse(buckets.begin(), buckets.end());

  auto* box = new ReducerBox();
  try {
#if TORCH_VERSION_MAJOR >= 2
    box->reducer = std::make_shared<c10d::Reducer>(params, buckets, group, sparse, bucketCap, findUnused,
                                                   /*gradient_as_bucket_view=*/false, paramNames,
                                                   c10d::kDefaultFirstBucketBytes, /*skip_all_reduce_unused_params=*/false,
                                                   /*use_python_reducer=*/false, std::vector<int64_t>{});
#else
    std::vector<size_t> sizeLimits = std::get<1>(assignment);
    std::reverse(sizeLimits.begin(), sizeLimits.end());
    box->reducer = std::make_shared<c10d::Reducer>(params, buckets, sizeLimits, group, sparse, bucketCap, findUnused,
                                                   /*gradient_as_bucket_view=*/false, paramNames,
                                                   c10d::kDefaultFirstBucketBytes);
#endif
    box->logger = std::make_shared<c10d::Logger>(box->reducer);
    box->reducer->set_logger(box->logger);
  } catch (...) {
    delete box;
    throw;
  }
  auto ext = Napi::External<ReducerBox>::New(env, box, [](Napi::Env, ReducerBox* b) {
    try {
      delete b;  // ~Reducer removes its autograd hooks; it may throw (noexcept(false))
    } catch (...) {
    }
  });
  ext.TypeTag(&kReducerTag);
  return ext;
}

Napi::Value PrepareForForward(const Napi::CallbackInfo& info) {
  Unbox(info.Env(), info[0]).reducer->prepare_for_forward();
  return info.Env().Undefined();
}

Napi::Value RebuildBuckets(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), Unbox(info.Env(), info[0]).reducer->rebuild_buckets());
}

// ddpPrepareForBackward(reducer, outputs[]): outputs only matter with findUnusedParameters.
Napi::Value PrepareForBackward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ReducerBox& box = Unbox(env, info[0]);
  box.reducer->prepare_for_backward(Tensors(env, info[1], "outputs"));
  return env.Undefined();
}

Napi::Value ReducerFree(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsExternal() || !info[0].As<Napi::External<ReducerBox>>().CheckTypeTag(&kReducerTag))
    ThrowTypeError(env, "expected a DDP reducer handle");
  ReducerBox* box = info[0].As<Napi::External<ReducerBox>>().Data();
  box->logger.reset();
  box->reducer.reset();
  return env.Undefined();
}

// ddpBroadcastCoalesced(tensors[], bufferBytes, src): dist._broadcast_coalesced on the default group.
Napi::Value BroadcastCoalesced(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<at::Tensor> tensors = Tensors(env, info[0], "tensors");
  const int64_t bufferBytes = ReadInt(env, info[1], "bufferBytes", 1);
  const int64_t src = ReadInt(env, info[2], "src", 0);
  auto group = DefaultGroup("broadcastCoalesced");
  if (src >= group->getSize()) ThrowRangeError(env, "src is not a rank of the group");
  if (!tensors.empty()) c10d::broadcast_coalesced(group, tensors, static_cast<size_t>(bufferBytes), static_cast<int>(src));
  return env.Undefined();
}

// ddpVerifyParams(params[]): every rank's parameters have rank 0's count, shapes and strides.
Napi::Value VerifyParams(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<at::Tensor> params = Tensors(env, info[0], "parameters");
  c10d::verify_params_across_processes(DefaultGroup("DistributedDataParallel"), params, {});
  return env.Undefined();
}

}  // namespace

void RegisterDdpReducer(Napi::Env env, Napi::Object exports) {
  Export<ReducerNew>(env, exports, "ddpReducerNew");
  Export<PrepareForForward>(env, exports, "ddpPrepareForForward");
  Export<RebuildBuckets>(env, exports, "ddpRebuildBuckets");
  Export<PrepareForBackward>(env, exports, "ddpPrepareForBackward");
  Export<ReducerFree>(env, exports, "ddpReducerFree");
  Export<BroadcastCoalesced>(env, exports, "ddpBroadcastCoalesced");
  Export<VerifyParams>(env, exports, "ddpVerifyParams");
}

}  // namespace svf
