#include "tensor_data.h"
#include <ATen/ATen.h>
#include <cstring>
#include "dtypes.h"
#include "guard.h"
#include "js_args.h"
#include "tensor_handle.h"

namespace svf {

namespace {

// Identity of a tensor's storage: equal keys mean shared memory.
std::string StorageKey(const at::Tensor& t) {
  return std::to_string(reinterpret_cast<uintptr_t>(t.storage().unsafeGetStorageImpl()));
}

Napi::Array ToJsInts(Napi::Env env, c10::IntArrayRef values) {
  Napi::Array out = Napi::Array::New(env, values.size());
  for (size_t i = 0; i < values.size(); ++i) out.Set(static_cast<uint32_t>(i), static_cast<double>(values[i]));
  return out;
}

// fromBuffer(bytes: ArrayBuffer | ArrayBufferView, shape, dtypeCode) -> a CPU tensor owning a copy.
Napi::Value FromBuffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const uint8_t* src = nullptr;
  size_t length = 0;
  if (info.Length() > 0 && info[0].IsTypedArray()) {
    auto ta = info[0].As<Napi::TypedArray>();
    src = static_cast<const uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
    length = ta.ByteLength();
  } else if (info.Length() > 0 && info[0].IsDataView()) {
    auto dv = info[0].As<Napi::DataView>();
    src = static_cast<const uint8_t*>(dv.ArrayBuffer().Data()) + dv.ByteOffset();
    length = dv.ByteLength();
  } else if (info.Length() > 0 && info[0].IsArrayBuffer()) {
    auto ab = info[0].As<Napi::ArrayBuffer>();
    src = static_cast<const uint8_t*>(ab.Data());
    length = ab.ByteLength();
  } else {
    ThrowTypeError(env, "fromBuffer: bytes must be an ArrayBuffer or a typed array");
  }
  std::vector<int64_t> shape = ReadInts(env, info[1], "shape", 0);
  c10::ScalarType dtype = DtypeFromCode(env, info[2]);
  at::Tensor t = at::empty(shape, at::TensorOptions().dtype(dtype));
  if (t.nbytes() != length)
    ThrowRangeError(env, "fromBuffer: " + std::to_string(length) + " bytes given, the shape needs " +
                             std::to_string(t.nbytes()));
  if (length) std::memcpy(t.data_ptr(), src, length);
  return WrapTensor(env, t);
}

// toBuffer(t) -> ArrayBuffer with the tensor's elements, contiguous, copied from its device.
Napi::Value ToBuffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  at::Tensor t = UnwrapTensor(env, info[0]).detach().to(at::kCPU).contiguous();
  DtypeCode(env, t.scalar_type());
  Napi::ArrayBuffer out = Napi::ArrayBuffer::New(env, t.nbytes());
  if (t.nbytes()) std::memcpy(out.Data(), t.data_ptr(), t.nbytes());
  return out;
}

// storageBytes(t) -> ArrayBuffer with the whole storage behind t (views included), on CPU.
Napi::Value StorageBytes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const at::Tensor& t = UnwrapTensor(env, info[0]);
  at::Tensor whole = at::empty({0}, t.options().requires_grad(false));
  int64_t items = static_cast<int64_t>(t.storage().nbytes() / t.element_size());
  whole.set_(t.storage(), 0, {items}, {1});
  at::Tensor cpu = whole.to(at::kCPU);
  Napi::ArrayBuffer out = Napi::ArrayBuffer::New(env, cpu.nbytes());
  if (cpu.nbytes()) std::memcpy(out.Data(), cpu.data_ptr(), cpu.nbytes());
  return out;
}

// storageInfo(t) -> { key, nbytes, offset, strides }: what a saver needs to keep views shared.
Napi::Value StorageInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const at::Tensor& t = UnwrapTensor(env, info[0]);
  Napi::Object out = Napi::Object::New(env);
  out.Set("key", Napi::String::New(env, StorageKey(t)));
  out.Set("nbytes", static_cast<double>(t.storage().nbytes()));
  out.Set("offset", static_cast<double>(t.storage_offset()));
  out.Set("strides", ToJsInts(env, t.strides()));
  return out;
}

// "<storage identity>@<version counter>": changes whenever the tensor's values may have changed
// (in-place writes bump the counter; set_data / Module.to() swap the storage). Derived-weight
// caches key on it; one call instead of storageInfo + aten::_version.
Napi::Value VersionKey(const Napi::CallbackInfo& info) {
  const at::Tensor& t = UnwrapTensor(info.Env(), info[0]);
  return Napi::String::New(info.Env(), StorageKey(t) + "@" + std::to_string(t._version()));
}

Napi::Value Item(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const at::Tensor& t = UnwrapTensor(env, info[0]);
  c10::Scalar s = t.item();
  if (s.isBoolean()) return Napi::Boolean::New(env, s.toBool());
  if (s.isIntegral(false)) return Napi::Number::New(env, static_cast<double>(s.toLong()));
  return Napi::Number::New(env, s.toDouble());
}

Napi::Value Shape(const Napi::CallbackInfo& info) {
  return ToJsInts(info.Env(), UnwrapTensor(info.Env(), info[0]).sizes());
}
Napi::Value Strides(const Napi::CallbackInfo& info) {
  return ToJsInts(info.Env(), UnwrapTensor(info.Env(), info[0]).strides());
}
Napi::Value Dtype(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), DtypeCode(info.Env(), UnwrapTensor(info.Env(), info[0]).scalar_type()));
}
Napi::Value DeviceOf(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), UnwrapTensor(info.Env(), info[0]).device().str());
}
Napi::Value Numel(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(UnwrapTensor(info.Env(), info[0]).numel()));
}
Napi::Value Ndim(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(UnwrapTensor(info.Env(), info[0]).dim()));
}
Napi::Value IsContiguous(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), UnwrapTensor(info.Env(), info[0]).is_contiguous());
}
Napi::Value SameTensor(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(),
                            UnwrapTensor(info.Env(), info[0]).is_same(UnwrapTensor(info.Env(), info[1])));
}
Napi::Value ToStringOf(const Napi::CallbackInfo& info) {
  std::ostringstream ss;
  ss << UnwrapTensor(info.Env(), info[0]);
  return Napi::String::New(info.Env(), ss.str());
}

}  // namespace

void RegisterTensorData(Napi::Env env, Napi::Object exports) {
  Export<FromBuffer>(env, exports, "fromBuffer");
  Export<ToBuffer>(env, exports, "toBuffer");
  Export<StorageBytes>(env, exports, "storageBytes");
  Export<StorageInfo>(env, exports, "storageInfo");
  Export<VersionKey>(env, exports, "versionKey");
  Export<Item>(env, exports, "item");
  Export<Shape>(env, exports, "shape");
  Export<Strides>(env, exports, "strides");
  Export<Dtype>(env, exports, "dtype");
  Export<DeviceOf>(env, exports, "device");
  Export<Numel>(env, exports, "numel");
  Export<Ndim>(env, exports, "ndim");
  Export<SameTensor>(env, exports, "sameTensor");
  Export<IsContiguous>(env, exports, "isContiguous");
  Export<ToStringOf>(env, exports, "toString");
}

}  // namespace svf
