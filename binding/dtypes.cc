#include "dtypes.h"
#include "guard.h"
#include <iterator>

namespace svf {

c10::ScalarType DtypeFromCode(Napi::Env env, const Napi::Value& value) {
  if (value.IsNumber()) {
    double code = value.As<Napi::Number>().DoubleValue();  // exact match only: 6.5 is no dtype
    for (const auto& d : kDtypes)
      if (static_cast<double>(d.code) == code) return d.type;
  }
  ThrowTypeError(env, "expected a dtype code from native.dtypeCodes");
}

const DtypeEntry* FindDtype(c10::ScalarType type) {
  for (const auto& d : kDtypes)
    if (d.type == type) return &d;
  return nullptr;
}

int DtypeCode(Napi::Env env, c10::ScalarType type) {
  const DtypeEntry* d = FindDtype(type);
  if (!d) ThrowTorchError(env, std::string("dtype ") + c10::toString(type) + " is not supported by svf-torch");
  return d->code;
}

void RegisterDtypes(Napi::Env env, Napi::Object exports) {
  Napi::Object codes = Napi::Object::New(env);
  Napi::Array table = Napi::Array::New(env, std::size(kDtypes));
  uint32_t i = 0;
  for (const auto& d : kDtypes) {
    // The table's own numbers must agree with LibTorch's: a wrong one fails at load, not in a file.
    if (c10::elementSize(d.type) != d.itemSize) ThrowTorchError(env, std::string("dtype table: wrong item size for ") + d.name);
    codes.Set(d.name, Napi::Number::New(env, d.code));
    Napi::Object e = Napi::Object::New(env);
    e.Set("name", d.name);
    e.Set("code", d.code);
    e.Set("itemSize", static_cast<double>(d.itemSize));
    e.Set("isFloatingPoint", c10::isFloatingType(d.type));
    e.Set("isComplex", c10::isComplexType(d.type));
    e.Set("isSigned", c10::isSignedType(d.type));
    // PyTorch's storage class (torch.FloatStorage …) is the ScalarType's name + "Storage".
    e.Set("storageClass", std::string(c10::toString(d.type)) + "Storage");
    if (d.legacyName) e.Set("legacyName", d.legacyName);
    else e.Set("legacyName", env.Null());
    table.Set(i++, e);
  }
  exports.Set("dtypeCodes", codes);
  exports.Set("dtypes", table);
}

}  // namespace svf
