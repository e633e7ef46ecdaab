#include "tensor_handle.h"
#include "addon_data.h"
#include "guard.h"
#include <algorithm>
#include <atomic>
#include <unordered_set>

namespace svf {

namespace {

// Handle value: a JS number in [2^52, 2^53), every one of which is an integer, so the 52 bits
// below the leading one hold, exactly: the environment's tag (top 6), the slot's generation
// (next 24) and the slot (low 22). The range is the magic: no size, index or scalar a program
// passes comes near 4.5e15, and a number taken for a tensor must fall inside it, carry this
// environment's tag and name a live slot of this generation. A number, unlike an External, is
// no V8 handle to create and collect (Node's napi_create_external allocates a wrapper and a weak
// global handle per call: a quarter of a small op); it can be posted to a worker, whose
// environment has another tag and refuses it.
constexpr double kHandleBase = 4503599627370496.0;  // 2^52
constexpr int kSlotBits = 22;
constexpr int kGenerationBits = 24;
constexpr int kEnvBits = 6;
static_assert(kSlotBits + kGenerationBits + kEnvBits == 52, "a handle is 52 bits under the leading one");
constexpr uint64_t kSlotMask = (uint64_t{1} << kSlotBits) - 1;
constexpr uint64_t kGenerationMask = (uint64_t{1} << kGenerationBits) - 1;
constexpr uint64_t kEnvMask = (uint64_t{1} << kEnvBits) - 1;
constexpr size_t kMaxSlots = size_t{1} << kSlotBits;

// V8 learns of bytes in batches of this size: its own GC triggers are tens of MiB apart, and
// one adjustment per tiny handle was a measurable part of a small op.
constexpr int64_t kV8Batch = 1 << 20;

double Pack(uint32_t envTag, uint32_t slot, uint32_t generation) {
  const uint64_t bits = (uint64_t{envTag} << (kSlotBits + kGenerationBits)) | (uint64_t{generation} << kSlotBits) | slot;
  return kHandleBase + static_cast<double>(bits);
}

// Bytes a handle stands for: its storage's, never more (an expanded view of one element has
// numel·itemsize in the petabytes and owns 4 bytes); a tensor without storage counts its elements.
int64_t StorageBytesOf(const at::Tensor& t) {
  return t.has_storage() ? static_cast<int64_t>(t.storage().nbytes()) : 0;
}

int64_t BytesOf(const at::Tensor& t) {
  if (!t.defined()) return 0;
  const int64_t view = static_cast<int64_t>(t.numel()) * static_cast<int64_t>(t.element_size());
  return t.has_storage() ? std::min(view, StorageBytesOf(t)) : view;
}

void TellV8(Napi::Env env, AddonData& data, int64_t delta) {
  data.unsentBytes += delta;
  if (data.unsentBytes >= kV8Batch || data.unsentBytes <= -kV8Batch) {
    Napi::MemoryManagement::AdjustExternalMemory(env, data.unsentBytes);
    data.unsentBytes = 0;
  }
}

void Report(Napi::Env env, AddonData& data, HandleSlot& slot) {
  if (slot.reported) return;
  slot.reported = true;
  slot.bytes = BytesOf(slot.tensor);
  data.reportedBytes += slot.bytes;
  TellV8(env, data, slot.bytes);
}

void Release(Napi::Env env, AddonData& data, uint32_t index) {
  HandleSlot& slot = data.handles.slots[index];
  slot.live = false;
  slot.tensor.reset();
  data.liveTensors -= 1;
  if (slot.reported) {
    data.reportedBytes -= slot.bytes;
    TellV8(env, data, -slot.bytes);
  }
  slot.reported = false;
  slot.generation = (slot.generation + 1) & kGenerationMask;
  data.handles.free.push_back(index);
}

// What a JS value is to this environment's table.
struct Decoded {
  bool handle = false;  // a tensor handle of some environment (this one's or another thread's)
  bool ours = false;  // a handle this environment made (live or disposed)
  bool live = false;  // ... and not disposed: `index` holds its tensor
  uint32_t index = 0;
};

Decoded Decode(Napi::Env env, AddonData& data, const Napi::Value& value) {
  Decoded d;
  double number = 0;
  // napi_get_value_double fails for anything but a number: one call instead of typeof + get.
  // NaN fails the range test too.
  if (napi_get_value_double(env, value, &number) != napi_ok) return d;
  if (!(number >= kHandleBase && number < 2 * kHandleBase)) return d;
  const uint64_t bits = static_cast<uint64_t>(number - kHandleBase);
  d.handle = true;
  if (((bits >> (kSlotBits + kGenerationBits)) & kEnvMask) != data.handles.envTag) return d;
  const uint64_t index = bits & kSlotMask;
  if (index >= data.handles.slots.size()) return d;
  d.ours = true;
  d.index = static_cast<uint32_t>(index);
  const HandleSlot& slot = data.handles.slots[index];
  d.live = slot.live && slot.generation == ((bits >> kSlotBits) & kGenerationMask);
  return d;
}

Decoded DecodeHandle(Napi::Env env, AddonData& data, const Napi::Value& value, const char* what) {
  Decoded d = Decode(env, data, value);
  if (!d.ours) {
    if (d.handle) ThrowTypeError(env, std::string("the ") + what + " is a tensor handle of another thread (handles cannot cross worker_threads)");
    ThrowTypeError(env, std::string("expected a tensor handle for ") + what);
  }
  return d;
}

// The slot of a handle that is still live (TorchError once disposed).
HandleSlot& LiveSlotOf(Napi::Env env, AddonData& data, const Napi::Value& value, const char* what) {
  Decoded d = DecodeHandle(env, data, value, what);
  if (!d.live) ThrowTorchError(env, std::string("the ") + what + " was disposed and cannot be used");
  return data.handles.slots[d.index];
}

}  // namespace

// Environments in creation order, tagged modulo 64: two live environments share a tag only
// when more than 64 were made, and then their handles still must name a live slot of the
// right generation.
uint32_t HandleTable::NextEnvTag() {
  static std::atomic<uint32_t> next{0};
  return next.fetch_add(1, std::memory_order_relaxed) & kEnvMask;
}

Napi::Value WrapTensor(Napi::Env env, at::Tensor tensor) {
  AddonData& data = Data(env);
  HandleTable& table = data.handles;
  uint32_t index;
  if (!table.free.empty()) {
    index = table.free.front();
    table.free.pop_front();
  } else {
    if (table.slots.size() >= kMaxSlots)
      ThrowTorchError(env, "more than " + std::to_string(kMaxSlots) + " live tensor handles: dispose some");
    index = static_cast<uint32_t>(table.slots.size());
    table.slots.emplace_back();
  }
  HandleSlot& slot = table.slots[index];
  napi_value ext = nullptr;
  if (napi_create_double(env, Pack(table.envTag, index, slot.generation), &ext) != napi_ok) {
    table.free.push_front(index);
    ThrowTorchError(env, "cannot create a tensor handle");
  }
  // Nothing else per handle: its bytes are looked at only when V8 is told of them (Report) or
  // when memory() is asked (it walks the table), so a handle a tidy scope disposes costs no
  // bookkeeping beyond its slot.
  slot.tensor = std::move(tensor);
  slot.live = true;
  data.liveTensors += 1;
  if (*data.scoped == 0) Report(env, data, slot);
  return Napi::Value(env, ext);
}

bool IsTensorHandle(Napi::Env env, const Napi::Value& value) {
  return Decode(env, Data(env), value).ours;
}

const at::Tensor& UnwrapTensor(Napi::Env env, const Napi::Value& value, const char* what) {
  return LiveSlotOf(env, Data(env), value, what).tensor;
}

namespace {

Napi::Value Dispose(const Napi::CallbackInfo& info) {
  AddonData& data = Data(info.Env());
  Decoded d = DecodeHandle(info.Env(), data, info[0], "dispose");
  if (d.live) Release(info.Env(), data, d.index);  // a second dispose is a no-op
  return info.Env().Undefined();
}

Napi::Value IsDisposed(const Napi::CallbackInfo& info) {
  AddonData& data = Data(info.Env());
  return Napi::Boolean::New(info.Env(), !DecodeHandle(info.Env(), data, info[0], "isDisposed").live);
}

Napi::Value IsHandle(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), info.Length() > 0 && IsTensorHandle(info.Env(), info[0]));
}

// A handle left every tidy scope: from now on the GC decides its lifetime, so V8 learns its bytes.
Napi::Value ReportExternal(const Napi::CallbackInfo& info) {
  AddonData& data = Data(info.Env());
  Report(info.Env(), data, LiveSlotOf(info.Env(), data, info[0], "reportExternal"));
  return info.Env().Undefined();
}

// numBytes counts each storage once, however many live handles view it: a walk over the table
// (memory() is asked rarely; every op would otherwise pay for a count per storage).
int64_t LiveBytes(const AddonData& data) {
  std::unordered_set<const void*> seen;
  int64_t total = 0;
  for (const HandleSlot& slot : data.handles.slots) {
    if (!slot.live || !slot.tensor.defined()) continue;
    if (!slot.tensor.has_storage()) {
      total += BytesOf(slot.tensor);
      continue;
    }
    if (seen.insert(slot.tensor.storage().unsafeGetStorageImpl()).second) total += StorageBytesOf(slot.tensor);
  }
  return total;
}

Napi::Value Memory(const Napi::CallbackInfo& info) {
  AddonData& data = Data(info.Env());
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("numTensors", Napi::Number::New(info.Env(), static_cast<double>(data.liveTensors)));
  out.Set("numBytes", Napi::Number::New(info.Env(), static_cast<double>(LiveBytes(data))));
  out.Set("externalBytes", Napi::Number::New(info.Env(), static_cast<double>(data.reportedBytes)));
  return out;
}

// For tests only: an External that is not ours, to prove every entry point rejects foreign
// Externals with a TypeError instead of reading them as handles.
Napi::Value MakeForeignExternal(const Napi::CallbackInfo& info) {
  static int64_t notATensor = 0x5eed;
  return Napi::External<int64_t>::New(info.Env(), &notATensor);
}

}  // namespace

void RegisterTensorHandle(Napi::Env env, Napi::Object exports) {
  Export<Dispose>(env, exports, "dispose");
  Export<IsDisposed>(env, exports, "isDisposed");
  Export<IsHandle>(env, exports, "isHandle");
  Export<Memory>(env, exports, "memory");
  // JS sets scopeFlag[0] while its scope stack is non-empty: see the header.
  Napi::ArrayBuffer flag = Napi::ArrayBuffer::New(env, 1);
  AddonData& data = Data(env);
  data.scopedBuffer = Napi::Persistent(flag);
  data.scoped = static_cast<const uint8_t*>(flag.Data());
  exports.Set("scopeFlag", Napi::Uint8Array::New(env, 1, flag, 0));
  Export<ReportExternal>(env, exports, "reportExternal");
  Export<MakeForeignExternal>(env, exports, "makeForeignExternal");
}

}  // namespace svf
