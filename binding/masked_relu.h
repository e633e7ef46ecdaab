// In-place ReLU whose backward keeps a 1-byte mask (!(x <= 0)) instead of the 4-byte output that
// ATen's relu_ saves for threshold_backward: the same gradient, a quarter of the memory for
// every activation a network keeps only for its ReLUs (in SVF training, most of them).
#pragma once
#include <napi.h>

namespace svf {
void RegisterMaskedRelu(Napi::Env env, Napi::Object exports);
}
