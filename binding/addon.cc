// Registers the native entry points; each concern lives in its own .h/.cc pair.
#include <napi.h>
#include "addon_data.h"
#include "autograd.h"
#include "cuda.h"
#include "ddp_reducer.h"
#include "distributed.h"
#include "dtypes.h"
#include "factored_conv.h"
#include "masked_relu.h"
#include "op_call.h"
#include "record_read.h"
#include "runtime.h"
#include "tensor_data.h"
#include "tensor_handle.h"

namespace svf {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  InitAddonData(env);
  InitThreads();
  RegisterAddonData(env, exports);
  RegisterDtypes(env, exports);
  RegisterTensorHandle(env, exports);
  RegisterTensorData(env, exports);
  RegisterOpCall(env, exports);
  RegisterRecordRead(env, exports);
  RegisterAutograd(env, exports);
  RegisterFactoredConv(env, exports);
  RegisterMaskedRelu(env, exports);
  RegisterRuntime(env, exports);
  RegisterCuda(env, exports);
  RegisterDistributed(env, exports);
  RegisterDdpReducer(env, exports);
  return exports;
}

}  // namespace svf

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return svf::Init(env, exports); }

NODE_API_MODULE(svf_torch, InitAddon)
