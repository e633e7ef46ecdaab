// The one boundary guard every native entry point goes through: a LibTorch failure
// becomes a JS TorchError with LibTorch's message minus the C++ backtrace, any other
// C++ exception a TorchError with its what(), and JS-side errors (TypeError, RangeError)
// raised while reading arguments pass through unchanged. Nothing escapes to abort().
#pragma once
#include <napi.h>
#include <c10/util/Exception.h>

namespace svf {

[[noreturn]] void ThrowTorchError(Napi::Env env, const std::string& message);
[[noreturn]] void ThrowTypeError(Napi::Env env, const std::string& message);
[[noreturn]] void ThrowRangeError(Napi::Env env, const std::string& message);

using NativeFn = Napi::Value (*)(const Napi::CallbackInfo&);

template <NativeFn F>
Napi::Value Guarded(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  try {
    return F(info);
  } catch (const Napi::Error&) {
    throw;  // already a JS error (TypeError/RangeError/TorchError): node-addon-api rethrows it
  } catch (const c10::Error& e) {
    ThrowTorchError(env, e.what_without_backtrace());
  } catch (const std::exception& e) {
    ThrowTorchError(env, e.what());
  } catch (...) {
    ThrowTorchError(env, "unknown native error");
  }
}

// Registers `F` under `name`, always behind the guard.
template <NativeFn F>
void Export(Napi::Env env, Napi::Object exports, const char* name) {
  exports.Set(name, Napi::Function::New<Guarded<F>>(env, name));
}

// Turns a caught exception into the message a TorchError carries (for async workers).
std::string MessageOf(std::exception_ptr error);

}  // namespace svf
