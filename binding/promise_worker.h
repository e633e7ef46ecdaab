// The one shape of every Promise-returning native call: work on a libuv thread, the result
// turned into JS on the main thread, every failure (the work's or the conversion's) a rejected
// promise with a TorchError — nothing may escape a completion callback (node-addon-api would
// terminate the process). Subclasses say only what runs where.
#pragma once
#include <napi.h>
#include <exception>
#include "addon_data.h"
#include "guard.h"

namespace svf {

class PromiseWorker : public Napi::AsyncWorker {
 public:
  // Queues the worker and returns its promise (the worker deletes itself when done).
  Napi::Promise Start() {
    Napi::Promise promise = deferred_.Promise();
    Queue();
    return promise;
  }

 protected:
  PromiseWorker(Napi::Env env, const char* name) : Napi::AsyncWorker(env, name), deferred_(Napi::Promise::Deferred::New(env)) {}
  virtual void Run() = 0;                          // the libuv thread; may throw
  virtual Napi::Value Result(Napi::Env env) = 0;   // the main thread, after Run succeeded
  virtual void Release() {}                        // drops native state, on either outcome

 private:
  void Execute() final {
    try {
      Run();
    } catch (...) {
      SetError(MessageOf(std::current_exception()));
    }
  }
  void OnOK() final {
    Napi::Env env = Env();
    try {
      deferred_.Resolve(Result(env));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    } catch (...) {
      deferred_.Reject(MakeTorchError(env, MessageOf(std::current_exception())).Value());
    }
    Release();
  }
  void OnError(const Napi::Error& e) final {
    Release();
    deferred_.Reject(MakeTorchError(Env(), e.Message()).Value());
  }

  Napi::Promise::Deferred deferred_;
};

}  // namespace svf
