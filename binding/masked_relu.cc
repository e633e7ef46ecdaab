#include "masked_relu.h"
#include <ATen/ATen.h>
#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>
#include "guard.h"
#include "tensor_handle.h"

namespace svf {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// x ← relu(x) and the mask !(x <= 0), in one pass over contiguous CPU memory; elsewhere two
// ATen ops. NaN stays NaN (as relu_) and passes its gradient (as threshold_backward, which
// zeroes the gradient only where result <= 0).
at::Tensor ReluWithMask(at::Tensor& x) {
  const auto st = x.scalar_type();
  if (!x.is_cpu() || !x.is_contiguous() || (st != at::kFloat && st != at::kDouble)) {
    x.relu_();
    return x.le(0).logical_not_();
  }
  at::Tensor mask = at::empty(x.sizes(), x.options().dtype(at::kBool));
  AT_DISPATCH_FLOATING_TYPES(st, "relu_with_mask", [&] {
    scalar_t* p = x.data_ptr<scalar_t>();
    bool* m = mask.data_ptr<bool>();
    at::parallel_for(0, x.numel(), 32768, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {  // branch-free, so the compiler vectorizes it
        const scalar_t v = p[i];
        m[i] = !(v <= scalar_t(0));
        p[i] = v <= scalar_t(0) ? scalar_t(0) : v;
      }
    });
  });
  x.unsafeGetTensorImpl()->bump_version();  // written through data_ptr, which does not bump it (relu_ does)
  return mask;
}

// grad where mask, else 0: one vectorized TensorIterator pass.
at::Tensor MaskGrad(const at::Tensor& grad, const at::Tensor& mask) {
  return at::where(mask, grad, at::Scalar(0));
}

struct MaskedRelu : public torch::autograd::Function<MaskedRelu> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x) {
    at::Tensor out = x;  // shares x's TensorImpl: the op is in place, as relu_
    at::Tensor mask = ReluWithMask(out);
    ctx->mark_dirty({out});
    ctx->save_for_backward({mask});
    return out;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    at::Tensor mask = ctx->get_saved_variables()[0];
    return {grads[0].defined() ? MaskGrad(grads[0], mask) : at::Tensor()};
  }
};

// reluMasked_(x): x.relu_() with the mask-saving backward; returns x's handle. Views and
// leaves go through ATen's relu_ (its errors and view bookkeeping apply).
Napi::Value ReluMasked(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 1) ThrowTypeError(env, "reluMasked_ expects 1 argument");
  at::Tensor x = UnwrapTensor(env, info[0], "input");
  if (!x.requires_grad() || x.is_leaf() || x.is_view() || !at::GradMode::is_enabled()) x.relu_();
  else MaskedRelu::apply(x);
  return info[0];
}

}  // namespace

void RegisterMaskedRelu(Napi::Env env, Napi::Object exports) {
  Export<ReluMasked>(env, exports, "reluMasked_");
}

}  // namespace svf
