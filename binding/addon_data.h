// Per-environment state (one per main thread / worker_thread): no static JS references,
// so the addon loads and unloads cleanly in every worker.
#pragma once
#include <napi.h>
#include <cstdint>
#include "tensor_handle.h"

namespace svf {

struct AddonData {
  Napi::FunctionReference torchError;  // the TS TorchError class, handed over by setErrorClass
  int64_t liveTensors = 0;             // handles not yet disposed or finalized
  int64_t reportedBytes = 0;           // the part V8 was told of (AdjustExternalMemory)
  int64_t unsentBytes = 0;             // reportedBytes changes not yet passed to V8 (batched)
  // Nonzero while a JS tidy scope is open: new handles are not reported to V8 yet. The byte lives
  // in an ArrayBuffer JS writes directly (native.scopeFlag), so a tidy costs no native call.
  const uint8_t* scoped = nullptr;
  Napi::Reference<Napi::ArrayBuffer> scopedBuffer;  // keeps that byte alive
  HandleTable handles;                 // the tensors behind this environment's handles
};

AddonData& Data(Napi::Env env);
void InitAddonData(Napi::Env env);
Napi::Error MakeTorchError(Napi::Env env, const std::string& message);
void RegisterAddonData(Napi::Env env, Napi::Object exports);

}  // namespace svf
