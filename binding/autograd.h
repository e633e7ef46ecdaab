// Autograd state of tensors (requires_grad, .grad, leaf-ness), backward, autograd.grad,
// and the thread-local grad mode behind noGrad/enableGrad.
#pragma once
#include <napi.h>

namespace svf {
void RegisterAutograd(Napi::Env env, Napi::Object exports);
}
