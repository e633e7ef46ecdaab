#include "ivalue_convert.h"
#include <ATen/core/jit_type.h>
#include <cmath>
#include "dtypes.h"
#include "guard.h"
#include "tensor_handle.h"

namespace svf {

namespace {

struct ArgContext {
  Napi::Env env;
  const c10::Argument& arg;
  const std::string& op;
  [[noreturn]] void Fail(const std::string& expected) const {
    ThrowTypeError(env, op + ": argument '" + arg.name() + "' must be " + expected);
  }
};

int64_t ToInt(const ArgContext& c, const Napi::Value& v) {
  if (v.IsNumber()) {
    double d = v.As<Napi::Number>().DoubleValue();
    if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) <= 9007199254740991.0) return static_cast<int64_t>(d);
  } else if (v.IsBigInt()) {
    bool lossless = false;
    int64_t i = v.As<Napi::BigInt>().Int64Value(&lossless);
    if (lossless) return i;
  }
  c.Fail("an integer");
}

int64_t EnumCode(const ArgContext& c, const Napi::Value& v, int64_t count, const char* expected) {
  if (v.IsNumber()) {
    double d = v.As<Napi::Number>().DoubleValue();
    if (d >= 0 && d < static_cast<double>(count) && std::floor(d) == d) return static_cast<int64_t>(d);
  }
  c.Fail(expected);
}

double ToDouble(const ArgContext& c, const Napi::Value& v) {
  if (v.IsNumber()) return v.As<Napi::Number>().DoubleValue();
  if (v.IsBoolean()) return v.As<Napi::Boolean>().Value() ? 1.0 : 0.0;
  c.Fail("a number");
}

// A JS number is an int64 Scalar when integral (as Python's `x + 1`), else a double.
c10::Scalar ToScalar(const ArgContext& c, const Napi::Value& v) {
  if (v.IsBoolean()) return c10::Scalar(v.As<Napi::Boolean>().Value());
  if (v.IsBigInt()) return c10::Scalar(ToInt(c, v));
  if (v.IsNumber()) {
    double d = v.As<Napi::Number>().DoubleValue();
    if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) <= 9007199254740991.0)
      return c10::Scalar(static_cast<int64_t>(d));
    return c10::Scalar(d);
  }
  c.Fail("a number, bigint or boolean");
}

c10::IValue Convert(const ArgContext& c, const Napi::Value& v, const c10::TypePtr& type);

c10::IValue ConvertList(const ArgContext& c, const Napi::Value& v, const c10::TypePtr& elem) {
  c10::TypeKind kind = elem->kind();
  // `int[2] stride` accepts one int for every position, as PyTorch does.
  if (!v.IsArray()) {
    if ((kind == c10::TypeKind::IntType || kind == c10::TypeKind::SymIntType) && c.arg.N() &&
        (v.IsNumber() || v.IsBigInt())) {
      return c10::IValue(c10::List<int64_t>(std::vector<int64_t>(*c.arg.N(), ToInt(c, v))));
    }
    c.Fail("an array");
  }
  Napi::Array arr = v.As<Napi::Array>();
  uint32_t n = arr.Length();
  switch (kind) {
    case c10::TypeKind::IntType:
    case c10::TypeKind::SymIntType: {
      c10::List<int64_t> out;
      out.reserve(n);
      for (uint32_t i = 0; i < n; ++i) out.push_back(ToInt(c, arr.Get(i)));
      return out;
    }
    case c10::TypeKind::FloatType: {
      c10::List<double> out;
      for (uint32_t i = 0; i < n; ++i) out.push_back(ToDouble(c, arr.Get(i)));
      return out;
    }
    case c10::TypeKind::BoolType: {
      c10::List<bool> out;
      for (uint32_t i = 0; i < n; ++i) {
        Napi::Value e = arr.Get(i);
        if (!e.IsBoolean()) c.Fail("an array of booleans");
        out.push_back(e.As<Napi::Boolean>().Value());
      }
      return out;
    }
    case c10::TypeKind::TensorType: {
      c10::List<at::Tensor> out;
      out.reserve(n);
      for (uint32_t i = 0; i < n; ++i) out.push_back(UnwrapTensor(c.env, arr.Get(i), c.arg.name().c_str()));
      return out;
    }
    case c10::TypeKind::OptionalType: {  // Tensor?[] (indexing)
      c10::List<c10::optional<at::Tensor>> out;
      for (uint32_t i = 0; i < n; ++i) {
        Napi::Value e = arr.Get(i);
        if (e.IsNull() || e.IsUndefined()) out.push_back(c10::nullopt);
        else out.push_back(UnwrapTensor(c.env, e, c.arg.name().c_str()));
      }
      return out;
    }
    default:
      c.Fail(std::string("a list of ") + elem->str() + " (unsupported)");
  }
}

c10::IValue Convert(const ArgContext& c, const Napi::Value& v, const c10::TypePtr& type) {
  switch (type->kind()) {
    case c10::TypeKind::TensorType:
      return UnwrapTensor(c.env, v, c.arg.name().c_str());
    case c10::TypeKind::OptionalType:
      if (v.IsNull() || v.IsUndefined()) return c10::IValue();
      return Convert(c, v, type->expectRef<c10::OptionalType>().getElementType());
    case c10::TypeKind::IntType:
    case c10::TypeKind::SymIntType:
      return ToInt(c, v);
    // Enum codes go straight into a C++ enum: an out-of-range one would crash inside LibTorch.
    case c10::TypeKind::ScalarTypeType:
      return EnumCode(c, v, static_cast<int64_t>(c10::ScalarType::Undefined), "a dtype code from native.dtypeCodes");
    case c10::TypeKind::LayoutType:
      return EnumCode(c, v, static_cast<int64_t>(c10::Layout::NumOptions), "a layout code");
    case c10::TypeKind::MemoryFormatType:
      return EnumCode(c, v, static_cast<int64_t>(c10::MemoryFormat::NumOptions), "a memory format code");
    case c10::TypeKind::FloatType:
      return ToDouble(c, v);
    case c10::TypeKind::NumberType:
      return ToScalar(c, v);
    case c10::TypeKind::BoolType:
      if (!v.IsBoolean()) c.Fail("a boolean");
      return v.As<Napi::Boolean>().Value();
    case c10::TypeKind::StringType:
      if (!v.IsString()) c.Fail("a string");
      return v.As<Napi::String>().Utf8Value();
    case c10::TypeKind::DeviceObjType:
      if (!v.IsString()) c.Fail("a device string such as 'cpu' or 'cuda:0'");
      return c10::Device(v.As<Napi::String>().Utf8Value());
    case c10::TypeKind::ListType:
      return ConvertList(c, v, type->expectRef<c10::ListType>().getElementType());
    case c10::TypeKind::GeneratorType:
      if (!v.IsNull() && !v.IsUndefined()) c.Fail("null (generators are not supported)");
      return c10::IValue();
    default:
      c.Fail(type->str() + " (unsupported argument type)");
  }
}

}  // namespace

c10::IValue ToIValue(Napi::Env env, const Napi::Value& value, const c10::Argument& arg, const std::string& op) {
  ArgContext c{env, arg, op};
  // real_type keeps what the schema declared (ScalarType, Layout, MemoryFormat) where type()
  // says int: the enum kinds are range-checked before they reach LibTorch.
  return Convert(c, value, arg.real_type());
}

Napi::Value FromIValue(Napi::Env env, const c10::IValue& v) {
  if (v.isTensor()) {
    // Some ops return undefined tensors in optional slots (e.g. native_batch_norm outputs):
    // JS sees null, never a handle to nothing.
    const at::Tensor& t = v.toTensor();
    return t.defined() ? WrapTensor(env, t) : env.Null();
  }
  if (v.isNone()) return env.Null();
  if (v.isInt()) return Napi::Number::New(env, static_cast<double>(v.toInt()));
  if (v.isDouble()) return Napi::Number::New(env, v.toDouble());
  if (v.isBool()) return Napi::Boolean::New(env, v.toBool());
  if (v.isString()) return Napi::String::New(env, v.toStringRef());
  if (v.isTuple() || v.isList()) {
    const std::vector<c10::IValue> items =
        v.isTuple() ? v.toTupleRef().elements().vec() : v.toListRef().vec();
    Napi::Array out = Napi::Array::New(env, items.size());
    for (size_t i = 0; i < items.size(); ++i) out.Set(static_cast<uint32_t>(i), FromIValue(env, items[i]));
    return out;
  }
  if (v.isScalar()) {
    c10::Scalar s = v.toScalar();
    return Napi::Number::New(env, s.toDouble());
  }
  ThrowTorchError(env, std::string("cannot return a value of type ") + v.tagKind() + " to JS");
}

}  // namespace svf
