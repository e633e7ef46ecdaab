// SVF's factored convolution as one autograd node: y = conv_U(conv_V(x) · s) + b, for frozen
// U and V (and bias) and trainable singular values s. Composing the three ATen ops lets
// autograd keep x (for conv_V), h = conv_V(x) (for the product) and h · s (for conv_U) alive
// until backward, although with frozen U and V only h is needed (for dL/ds); this node keeps
// only h and computes the same gradients with the same ATen kernels:
//   gm = dL/d(h·s) = conv_U's input gradient,  dL/ds = Σ_{n,y,x} h ⊙ gm,
//   dL/dx = conv_V's input gradient of gm ⊙ s.
#pragma once
#include <napi.h>

namespace svf {
void RegisterFactoredConv(Napi::Env env, Napi::Object exports);
}
