#include "op_call.h"
#include <ATen/core/dispatch/Dispatcher.h>
#include <c10/core/GradMode.h>
#include <array>
#include <atomic>
#include <cmath>
#include <mutex>
#include "addon_data.h"
#include "guard.h"
#include "ivalue_convert.h"
#include "promise_worker.h"

namespace svf {

namespace {

// Operator handles are process-wide LibTorch objects (not JS references), shared by all
// environments, with what each call would otherwise recompute from the schema. Entries never
// move or die: chunks of pointers, published by a count, so callOp reads them without a lock
// while a worker appends (appends take the mutex).
struct OpEntry {
  c10::OperatorHandle handle;
  int aliased;  // AliasedArgument(schema)
};
constexpr size_t kChunkSize = 256;
constexpr size_t kMaxChunks = 4096;
std::mutex gOpsMutex;
std::atomic<size_t> gOpCount{0};
std::array<std::atomic<OpEntry**>, kMaxChunks> gOpChunks{};

int AliasedArgument(const c10::FunctionSchema& schema);

const OpEntry& OpById(Napi::Env env, const Napi::Value& idValue) {
  double id;
  if (napi_get_value_double(env, idValue, &id) != napi_ok) ThrowTypeError(env, "callOp: the first argument must be an operator id");
  // NaN and fractions fail the first test; the bound keeps the cast below defined.
  if (!(id >= 0 && std::floor(id) == id && id < static_cast<double>(gOpCount.load(std::memory_order_acquire))))
    ThrowRangeError(env, "callOp: unknown operator id");
  const size_t i = static_cast<size_t>(id);
  return *gOpChunks[i / kChunkSize].load(std::memory_order_acquire)[i % kChunkSize];
}

size_t AddOp(Napi::Env env, const c10::OperatorHandle& handle) {
  std::lock_guard<std::mutex> lock(gOpsMutex);
  const size_t id = gOpCount.load(std::memory_order_relaxed);
  if (id >= kChunkSize * kMaxChunks) ThrowRangeError(env, "opHandle: too many operators");
  OpEntry** chunk = gOpChunks[id / kChunkSize].load(std::memory_order_relaxed);
  if (chunk == nullptr) {
    chunk = new OpEntry*[kChunkSize]();
    gOpChunks[id / kChunkSize].store(chunk, std::memory_order_release);
  }
  chunk[id % kChunkSize] = new OpEntry{handle, AliasedArgument(handle.schema())};
  gOpCount.store(id + 1, std::memory_order_release);
  return id;
}

Napi::Value OpHandle(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) ThrowTypeError(env, "opHandle(name, overload): name must be a string");
  if (info.Length() > 1 && !info[1].IsString() && !info[1].IsUndefined())
    ThrowTypeError(env, "opHandle(name, overload): overload must be a string");
  std::string name = info[0].As<Napi::String>().Utf8Value();
  std::string overload = info.Length() > 1 && info[1].IsString() ? info[1].As<Napi::String>().Utf8Value() : "";
  auto handle = c10::Dispatcher::singleton().findSchema({name, overload});
  if (!handle) ThrowTorchError(env, "no operator " + name + (overload.empty() ? "" : "." + overload));
  return Napi::Number::New(env, static_cast<double>(AddOp(env, *handle)));
}

Napi::Value OpSchema(const Napi::CallbackInfo& info) {
  const OpEntry& op = OpById(info.Env(), info.Length() ? info[0] : info.Env().Undefined());
  std::ostringstream ss;
  ss << op.handle.schema();
  return Napi::String::New(info.Env(), ss.str());
}

// Builds the boxed argument stack from info[1..] into `stack` (empty): undefined takes the
// schema default.
void FillStack(const Napi::CallbackInfo& info, const c10::OperatorHandle& op, torch::jit::Stack& stack) {
  Napi::Env env = info.Env();
  const c10::FunctionSchema& schema = op.schema();
  const auto& args = schema.arguments();
  // Trailing undefined arguments are "not given" (as f(a, undefined) in JS), not extra.
  size_t given = info.Length();
  while (given > 1 && info[given - 1].IsUndefined()) --given;
  if (given - 1 > args.size())
    ThrowTypeError(env, schema.name() + ": expected at most " + std::to_string(args.size()) + " arguments");
  stack.reserve(args.size());
  for (size_t i = 0; i < args.size(); ++i) {
    const c10::Argument& arg = args[i];
    Napi::Value v = i + 1 < info.Length() ? info[i + 1] : env.Undefined();
    if (v.IsUndefined()) {
      if (arg.default_value()) {
        stack.push_back(*arg.default_value());
        continue;
      }
      if (arg.type()->kind() == c10::TypeKind::OptionalType) {
        stack.emplace_back();
        continue;
      }
      ThrowTypeError(env, schema.name() + ": missing argument '" + arg.name() + "'");
    }
    stack.push_back(ToIValue(env, v, arg, schema.name()));
  }
}

torch::jit::Stack BuildStack(const Napi::CallbackInfo& info, const c10::OperatorHandle& op) {
  torch::jit::Stack stack;
  FillStack(info, op, stack);
  return stack;
}

Napi::Value ResultsToJs(Napi::Env env, torch::jit::Stack& stack) {
  if (stack.empty()) return env.Undefined();
  if (stack.size() == 1) {
    // the common result, one tensor: moved into its handle, not copied (no reference-count traffic)
    if (stack[0].isTensor() && stack[0].toTensor().defined()) return WrapTensor(env, std::move(stack[0]).toTensor());
    return FromIValue(env, stack[0]);
  }
  Napi::Array out = Napi::Array::New(env, stack.size());
  for (size_t i = 0; i < stack.size(); ++i) out.Set(static_cast<uint32_t>(i), FromIValue(env, stack[i]));
  return out;
}

// The argument an op writes and returns (add_, copy_, the out= of *.out overloads), or -1:
// JS then gets back the very handle it passed, not a second handle to the same tensor.
int AliasedArgument(const c10::FunctionSchema& schema) {
  const auto& rets = schema.returns();
  const auto& args = schema.arguments();
  if (rets.size() != 1 || !rets[0].alias_info() || !rets[0].alias_info()->isWrite()) return -1;
  const auto& sets = rets[0].alias_info()->beforeSets();
  for (size_t j = 0; j < args.size(); ++j) {
    const auto* a = args[j].alias_info();
    if (a && a->isWrite() && a->beforeSets() == sets) return static_cast<int>(j);
  }
  return -1;
}

// callOp's stack: one vector kept per thread and reused, so a call allocates none. An op can
// re-enter callOp (a JS autograd hook run by backward), so only the outermost call takes it;
// nested ones use their own. Cleared after every use: it holds no tensor between calls.
struct ReusedStack {
  torch::jit::Stack stack;
  bool busy = false;
};
thread_local ReusedStack tReused;

class StackLease {
 public:
  StackLease() : owned_(!tReused.busy) {
    if (owned_) tReused.busy = true;
  }
  ~StackLease() {
    if (!owned_) return;
    tReused.stack.clear();
    tReused.busy = false;
  }
  torch::jit::Stack& get() { return owned_ ? tReused.stack : own_; }

 private:
  bool owned_;
  torch::jit::Stack own_;
};

Napi::Value CallOp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const OpEntry& op = OpById(env, info.Length() ? info[0] : env.Undefined());
  StackLease lease;
  torch::jit::Stack& stack = lease.get();
  FillStack(info, op.handle, stack);
  op.handle.callBoxed(&stack);
  if (op.aliased >= 0 && static_cast<size_t>(op.aliased) + 1 < info.Length()) return info[op.aliased + 1];
  return ResultsToJs(env, stack);
}

class OpWorker : public PromiseWorker {
 public:
  OpWorker(Napi::Env env, c10::OperatorHandle op, torch::jit::Stack stack)
      : PromiseWorker(env, "svf-torch:op"), op_(std::move(op)), stack_(std::move(stack)), gradEnabled_(c10::GradMode::is_enabled()) {}

 protected:
  void Run() override {
    c10::AutoGradMode mode(gradEnabled_);  // grad mode is thread-local: carry the caller's
    op_.callBoxed(&stack_);
  }
  Napi::Value Result(Napi::Env env) override { return ResultsToJs(env, stack_); }
  void Release() override { stack_.clear(); }

 private:
  c10::OperatorHandle op_;
  torch::jit::Stack stack_;
  bool gradEnabled_;
};

Napi::Value CallOpAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const OpEntry& op = OpById(env, info.Length() ? info[0] : env.Undefined());
  return (new OpWorker(env, op.handle, BuildStack(info, op.handle)))->Start();
}

}  // namespace

void RegisterOpCall(Napi::Env env, Napi::Object exports) {
  Export<OpHandle>(env, exports, "opHandle");
  Export<OpSchema>(env, exports, "opSchema");
  Export<CallOp>(env, exports, "callOp");
  Export<CallOpAsync>(env, exports, "callOpAsync");
}

}  // namespace svf
