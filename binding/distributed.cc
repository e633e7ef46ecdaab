#include "distributed.h"
#include <torch/csrc/distributed/c10d/Work.hpp>
#include "addon_data.h"
#include "c10d_group.h"
#include "guard.h"
#include "js_args.h"
#include "promise_worker.h"
#include "tensor_handle.h"

namespace svf {
namespace {

constexpr int64_t kMaxRanks = 1 << 24;

std::string ReadString(Napi::Env env, const Napi::Value& v, const char* what) {
  if (!v.IsString()) ThrowTypeError(env, std::string(what) + " must be a string");
  return v.As<Napi::String>().Utf8Value();
}

bool ReadBool(Napi::Env env, const Napi::Value& v, const char* what) {
  if (!v.IsBoolean()) ThrowTypeError(env, std::string(what) + " must be a boolean");
  return v.As<Napi::Boolean>().Value();
}

// distInit(backend, rank, worldSize, storeKind 'tcp'|'file', address, port, storeServer,
//          storePrefix, timeoutMs | -1 = PyTorch's default)
Napi::Value Init(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  GroupSpec spec;
  spec.backend = ReadString(env, info[0], "backend");
  spec.worldSize = static_cast<int>(ReadInt(env, info[2], "worldSize", 1));
  if (spec.worldSize > kMaxRanks) ThrowRangeError(env, "worldSize is too large");
  spec.rank = static_cast<int>(ReadInt(env, info[1], "rank", 0));
  if (spec.rank >= spec.worldSize) ThrowRangeError(env, "rank must be below worldSize");
  const std::string kind = ReadString(env, info[3], "store kind");
  if (kind != "tcp" && kind != "file") ThrowTypeError(env, "store kind must be 'tcp' or 'file'");
  spec.fileStore = kind == "file";
  spec.address = ReadString(env, info[4], "store address");
  const int64_t port = ReadInt(env, info[5], "port", 0);
  if (port > 65535) ThrowRangeError(env, "port must be in [0, 65535]");
  spec.port = static_cast<uint16_t>(port);
  spec.storeServer = ReadBool(env, info[6], "storeServer");
  spec.storePrefix = ReadString(env, info[7], "storePrefix");
  const int64_t timeout = info[8].IsNumber() && info[8].As<Napi::Number>().Int64Value() == -1
                              ? kProcessGroupDefaultTimeout.count()
                              : ReadInt(env, info[8], "timeout", 1);
  spec.timeout = std::chrono::milliseconds(timeout);
  InitDefaultGroup(spec);
  return env.Undefined();
}

Napi::Value BackendUnavailable(const Napi::CallbackInfo& info) {
  const std::string backend = ReadString(info.Env(), info[0], "backend");
  if (backend != "gloo" && backend != "nccl") ThrowRangeError(info.Env(), "unknown distributed backend '" + backend + "'");
  const std::string reason = BackendUnavailableReason(backend);
  if (reason.empty()) return info.Env().Null();
  return Napi::String::New(info.Env(), reason);
}

Napi::Value IsInitialized(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), HasDefaultGroup()); }

Napi::Value Rank(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), DefaultGroup("getRank")->getRank());
}

Napi::Value WorldSize(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), DefaultGroup("getWorldSize")->getSize());
}

Napi::Value Backend(const Napi::CallbackInfo& info) {
  DefaultGroup("getBackend");
  return Napi::String::New(info.Env(), DefaultGroupBackend());
}

Napi::Value Destroy(const Napi::CallbackInfo& info) {
  DestroyDefaultGroup();
  return info.Env().Undefined();
}

// Waits for a collective on a libuv thread and settles a Promise.
class WaitWorker : public PromiseWorker {
 public:
  WaitWorker(Napi::Env env, c10::intrusive_ptr<c10d::Work> work) : PromiseWorker(env, "svf-torch:distributed"), work_(std::move(work)) {}

 protected:
  void Run() override { work_->wait(); }
  Napi::Value Result(Napi::Env env) override { return env.Undefined(); }
  void Release() override { work_.reset(); }

 private:
  c10::intrusive_ptr<c10d::Work> work_;
};

// Blocks (PyTorch's async_op=False) or hands the wait to a libuv thread.
Napi::Value Finish(Napi::Env env, c10::intrusive_ptr<c10d::Work> work, bool async) {
  if (!async) {
    work->wait();
    return env.Undefined();
  }
  return (new WaitWorker(env, std::move(work)))->Start();
}

// distAllReduce(tensor, opCode (c10d::ReduceOp::RedOpType), async)
Napi::Value AllReduce(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<at::Tensor> tensors{UnwrapTensor(env, info[0])};
  const int64_t op = ReadInt(env, info[1], "op", 0);
  if (op > static_cast<int64_t>(c10d::ReduceOp::BXOR)) ThrowRangeError(env, "unknown reduce op");
  const bool async = ReadBool(env, info[2], "asyncOp");
  auto group = DefaultGroup("allReduce");
  c10d::AllreduceOptions opts;
  opts.reduceOp = c10d::ReduceOp(static_cast<c10d::ReduceOp::RedOpType>(op));
  return Finish(env, group->allreduce(tensors, opts), async);
}

// distBroadcast(tensor, src, async)
Napi::Value Broadcast(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<at::Tensor> tensors{UnwrapTensor(env, info[0])};
  const int64_t src = ReadInt(env, info[1], "src", 0);
  const bool async = ReadBool(env, info[2], "asyncOp");
  auto group = DefaultGroup("broadcast");
  if (src >= group->getSize()) ThrowRangeError(env, "broadcast: src " + std::to_string(src) + " is not a rank of the group of " +
                                                        std::to_string(group->getSize()));
  c10d::BroadcastOptions opts;
  opts.rootRank = src;
  return Finish(env, group->broadcast(tensors, opts), async);
}

// distBarrier(async)
Napi::Value Barrier(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const bool async = ReadBool(env, info[0], "asyncOp");
  return Finish(env, DefaultGroup("barrier")->barrier(), async);
}

}  // namespace

void RegisterDistributed(Napi::Env env, Napi::Object exports) {
  Export<Init>(env, exports, "distInit");
  Export<BackendUnavailable>(env, exports, "distBackendUnavailable");
  Export<IsInitialized>(env, exports, "distIsInitialized");
  Export<Rank>(env, exports, "distRank");
  Export<WorldSize>(env, exports, "distWorldSize");
  Export<Backend>(env, exports, "distBackend");
  Export<Destroy>(env, exports, "distDestroy");
  Export<AllReduce>(env, exports, "distAllReduce");
  Export<Broadcast>(env, exports, "distBroadcast");
  Export<Barrier>(env, exports, "distBarrier");
}

}  // namespace svf
