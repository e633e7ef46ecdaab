#include "js_args.h"
#include <cmath>
#include "guard.h"

namespace svf {

int64_t ReadInt(Napi::Env env, const Napi::Value& value, const std::string& what, int64_t min) {
  if (!value.IsNumber()) ThrowTypeError(env, what + " must be an integer");
  const double d = value.As<Napi::Number>().DoubleValue();
  // The bounds come first so the cast below is always defined (2^53: exact in a double).
  if (!(d >= static_cast<double>(min) && d <= 9007199254740991.0) || std::floor(d) != d)
    ThrowRangeError(env, what + " must be an integer in [" + std::to_string(min) + ", 2^53)");
  return static_cast<int64_t>(d);
}

std::vector<int64_t> ReadInts(Napi::Env env, const Napi::Value& value, const std::string& what, int64_t min,
                              int64_t count) {
  if (!value.IsArray()) ThrowTypeError(env, what + " must be an array of integers");
  Napi::Array arr = value.As<Napi::Array>();
  if (count >= 0 && arr.Length() != static_cast<uint32_t>(count))
    ThrowTypeError(env, what + " must be an array of " + std::to_string(count) + " integers");
  std::vector<int64_t> out(arr.Length());
  for (uint32_t i = 0; i < arr.Length(); ++i) out[i] = ReadInt(env, arr.Get(i), what + " entries", min);
  return out;
}

}  // namespace svf
