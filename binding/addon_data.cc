#include "addon_data.h"
#include "guard.h"

namespace svf {

AddonData& Data(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

void InitAddonData(Napi::Env env) { env.SetInstanceData<AddonData>(new AddonData()); }

Napi::Error MakeTorchError(Napi::Env env, const std::string& message) {
  AddonData& data = Data(env);
  if (!data.torchError.IsEmpty()) {
    Napi::Object err = data.torchError.New({Napi::String::New(env, message)});
    return Napi::Error(env, err);
  }
  Napi::Error err = Napi::Error::New(env, message);
  err.Set("name", Napi::String::New(env, "TorchError"));
  return err;
}

static Napi::Value SetErrorClass(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsFunction()) ThrowTypeError(info.Env(), "setErrorClass expects a class");
  Data(info.Env()).torchError = Napi::Persistent(info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

void RegisterAddonData(Napi::Env env, Napi::Object exports) {
  Export<SetErrorClass>(env, exports, "setErrorClass");
}

}  // namespace svf
