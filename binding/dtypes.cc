#include "dtypes.h"
#include "guard.h"

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
  for (const auto& d : kDtypes) codes.Set(d.name, Napi::Number::New(env, d.code));
  exports.Set("dtypeCodes", codes);
}

}  // namespace svf
