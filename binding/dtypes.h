// The one dtype table of the project. JS names map to c10::ScalarType codes; the TS side reads
// the whole table at load (native.dtypes: name, code, item size, kind, PyTorch's other names)
// instead of keeping its own numbers, sizes or name lists (lib/dtype.ts, serialization, optim).
#pragma once
#include <c10/core/ScalarType.h>
#include <napi.h>
#include <string>

namespace svf {

struct DtypeEntry {
  const char* name;          // the svf-torch / API.md name
  c10::ScalarType type;      // LibTorch's enum
  int code;                  // the number that crosses the boundary (== int(type))
  size_t itemSize;
  const char* legacyName;    // torch.float & co. (nullptr: none); PyTorch's other attribute name
};

// Codes are LibTorch's own enum values; pinned so an enum reorder breaks the build, not users.
static_assert(static_cast<int>(c10::ScalarType::Byte) == 0, "uint8 code");
static_assert(static_cast<int>(c10::ScalarType::Char) == 1, "int8 code");
static_assert(static_cast<int>(c10::ScalarType::Short) == 2, "int16 code");
static_assert(static_cast<int>(c10::ScalarType::Int) == 3, "int32 code");
static_assert(static_cast<int>(c10::ScalarType::Long) == 4, "int64 code");
static_assert(static_cast<int>(c10::ScalarType::Half) == 5, "float16 code");
static_assert(static_cast<int>(c10::ScalarType::Float) == 6, "float32 code");
static_assert(static_cast<int>(c10::ScalarType::Double) == 7, "float64 code");
static_assert(static_cast<int>(c10::ScalarType::ComplexFloat) == 9, "complex64 code");
static_assert(static_cast<int>(c10::ScalarType::ComplexDouble) == 10, "complex128 code");
static_assert(static_cast<int>(c10::ScalarType::Bool) == 11, "bool code");
static_assert(static_cast<int>(c10::ScalarType::BFloat16) == 15, "bfloat16 code");

inline constexpr DtypeEntry kDtypes[] = {
    {"float32", c10::ScalarType::Float, 6, 4, "float"},     {"float64", c10::ScalarType::Double, 7, 8, "double"},
    {"float16", c10::ScalarType::Half, 5, 2, "half"},       {"bfloat16", c10::ScalarType::BFloat16, 15, 2, nullptr},
    {"int64", c10::ScalarType::Long, 4, 8, "long"},         {"int32", c10::ScalarType::Int, 3, 4, "int"},
    {"int16", c10::ScalarType::Short, 2, 2, "short"},       {"int8", c10::ScalarType::Char, 1, 1, nullptr},
    {"uint8", c10::ScalarType::Byte, 0, 1, nullptr},        {"bool", c10::ScalarType::Bool, 11, 1, nullptr},
    {"complex64", c10::ScalarType::ComplexFloat, 9, 8, "cfloat"},
    {"complex128", c10::ScalarType::ComplexDouble, 10, 16, "cdouble"},
};

// The code for a JS-supplied dtype number; throws TypeError for anything not in the table.
c10::ScalarType DtypeFromCode(Napi::Env env, const Napi::Value& value);
const DtypeEntry* FindDtype(c10::ScalarType type);  // nullptr when unsupported (quantized, complex32, …)
int DtypeCode(Napi::Env env, c10::ScalarType type);   // throws TorchError for unsupported
void RegisterDtypes(Napi::Env env, Napi::Object exports);

}  // namespace svf
