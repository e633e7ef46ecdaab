#include "tensor_handle.h"
#include "addon_data.h"
#include "guard.h"
#include <algorithm>

namespace svf {

// Marks Externals made by this addon, so a foreign External can never be mistaken for ours.
static const napi_type_tag kTensorTag = {0x5f3a9c1d2b7e4a10ULL, 0x8c6d1e2f3a4b5c6dULL};

// Bytes a handle stands for: its storage's, never more (an expanded view of one element has
// numel·itemsize in the petabytes and owns 4 bytes); a tensor without storage counts its elements.
static int64_t StorageBytesOf(const at::Tensor& t) {
  return t.has_storage() ? static_cast<int64_t>(t.storage().nbytes()) : 0;
}

static int64_t BytesOf(const at::Tensor& t) {
  if (!t.defined()) return 0;
  const int64_t view = static_cast<int64_t>(t.numel()) * static_cast<int64_t>(t.element_size());
  return t.has_storage() ? std::min(view, StorageBytesOf(t)) : view;
}

// memory().numBytes counts each storage once, however many live handles view it.
static void CountStorage(AddonData& data, TensorBox* box) {
  if (!box->tensor.defined() || !box->tensor.has_storage()) {
    data.liveBytes += box->bytes;
    return;
  }
  box->storage = box->tensor.storage().unsafeGetStorageImpl();
  auto& entry = data.storages[box->storage];
  if (entry.handles++ == 0) {
    entry.bytes = StorageBytesOf(box->tensor);
    data.liveBytes += entry.bytes;
  }
}

static void UncountStorage(AddonData& data, TensorBox* box) {
  if (box->storage == nullptr) {
    data.liveBytes -= box->bytes;
    return;
  }
  auto it = data.storages.find(box->storage);
  if (it != data.storages.end() && --it->second.handles == 0) {
    data.liveBytes -= it->second.bytes;
    data.storages.erase(it);
  }
  box->storage = nullptr;
}

static void Release(Napi::Env env, TensorBox* box) {
  if (!box->live) return;
  box->live = false;
  AddonData& data = Data(env);
  UncountStorage(data, box);
  box->tensor.reset();
  data.liveTensors -= 1;
  if (box->reported) {
    data.reportedBytes -= box->bytes;
    Napi::MemoryManagement::AdjustExternalMemory(env, -box->bytes);
  }
  box->reported = false;
}

static void Report(Napi::Env env, TensorBox* box) {
  if (box->reported) return;
  box->reported = true;
  Data(env).reportedBytes += box->bytes;
  Napi::MemoryManagement::AdjustExternalMemory(env, box->bytes);
}

Napi::Value WrapTensor(Napi::Env env, at::Tensor tensor) {
  auto* box = new TensorBox{std::move(tensor), 0, nullptr, true, false};
  box->bytes = BytesOf(box->tensor);
  auto ext = Napi::External<TensorBox>::New(env, box, [](Napi::Env env, TensorBox* b) {
    Release(env, b);
    delete b;
  });
  ext.TypeTag(&kTensorTag);
  AddonData& data = Data(env);
  data.liveTensors += 1;
  CountStorage(data, box);
  if (!data.scoped) Report(env, box);
  return ext;
}

bool IsTensorHandle(Napi::Env env, const Napi::Value& value) {
  return value.IsExternal() && value.As<Napi::External<TensorBox>>().CheckTypeTag(&kTensorTag);
}

static TensorBox* BoxOf(Napi::Env env, const Napi::Value& value, const char* what) {
  if (!IsTensorHandle(env, value)) ThrowTypeError(env, std::string("expected a tensor handle for ") + what);
  return value.As<Napi::External<TensorBox>>().Data();
}

// The box of a handle that is still live (TorchError once disposed).
static TensorBox* LiveBoxOf(Napi::Env env, const Napi::Value& value, const char* what) {
  TensorBox* box = BoxOf(env, value, what);
  if (!box->live) ThrowTorchError(env, std::string("the ") + what + " was disposed and cannot be used");
  return box;
}

const at::Tensor& UnwrapTensor(Napi::Env env, const Napi::Value& value, const char* what) {
  return LiveBoxOf(env, value, what)->tensor;
}

static Napi::Value Dispose(const Napi::CallbackInfo& info) {
  Release(info.Env(), BoxOf(info.Env(), info[0], "dispose"));
  return info.Env().Undefined();
}

static Napi::Value IsDisposed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), !BoxOf(info.Env(), info[0], "isDisposed")->live);
}

static Napi::Value IsHandle(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), info.Length() > 0 && IsTensorHandle(info.Env(), info[0]));
}

// The JS scope stack became non-empty (true) or empty (false): see the header.
static Napi::Value SetScoped(const Napi::CallbackInfo& info) {
  if (!info[0].IsBoolean()) ThrowTypeError(info.Env(), "setScoped(active): active must be a boolean");
  Data(info.Env()).scoped = info[0].As<Napi::Boolean>().Value();
  return info.Env().Undefined();
}

// A handle left every tidy scope: from now on the GC decides its lifetime, so V8 learns its bytes.
static Napi::Value ReportExternal(const Napi::CallbackInfo& info) {
  Report(info.Env(), LiveBoxOf(info.Env(), info[0], "reportExternal"));
  return info.Env().Undefined();
}

static Napi::Value Memory(const Napi::CallbackInfo& info) {
  AddonData& data = Data(info.Env());
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("numTensors", Napi::Number::New(info.Env(), static_cast<double>(data.liveTensors)));
  out.Set("numBytes", Napi::Number::New(info.Env(), static_cast<double>(data.liveBytes)));
  out.Set("externalBytes", Napi::Number::New(info.Env(), static_cast<double>(data.reportedBytes)));
  return out;
}

// For tests only: an External that is not ours (no type tag), to prove every entry point
// rejects foreign Externals with a TypeError instead of reinterpreting their memory.
static Napi::Value MakeForeignExternal(const Napi::CallbackInfo& info) {
  static int64_t notATensor = 0x5eed;
  return Napi::External<int64_t>::New(info.Env(), &notATensor);
}

void RegisterTensorHandle(Napi::Env env, Napi::Object exports) {
  Export<Dispose>(env, exports, "dispose");
  Export<IsDisposed>(env, exports, "isDisposed");
  Export<IsHandle>(env, exports, "isHandle");
  Export<Memory>(env, exports, "memory");
  Export<SetScoped>(env, exports, "setScoped");
  Export<ReportExternal>(env, exports, "reportExternal");
  Export<MakeForeignExternal>(env, exports, "makeForeignExternal");
}

}  // namespace svf
