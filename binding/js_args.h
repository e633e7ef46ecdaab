// Integers read from JS arguments by the hand-written entry points (the boxed op calls convert
// through the schema in ivalue_convert instead): range-checked before any cast.
#pragma once
#include <napi.h>
#include <cstdint>
#include <string>
#include <vector>

namespace svf {

// An integral JS number in [min, 2^53); TypeError if not a number, RangeError otherwise.
int64_t ReadInt(Napi::Env env, const Napi::Value& value, const std::string& what, int64_t min);

// An array of such integers; `count` >= 0 also requires that length (TypeError otherwise).
std::vector<int64_t> ReadInts(Napi::Env env, const Napi::Value& value, const std::string& what, int64_t min,
                              int64_t count = -1);

}  // namespace svf
