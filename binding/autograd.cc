#include "autograd.h"
#include <c10/core/GradMode.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/variable.h>
#include "guard.h"
#include "tensor_handle.h"

namespace svf {

namespace {

bool OptBool(const Napi::CallbackInfo& info, size_t i, bool fallback) {
  if (i >= info.Length() || info[i].IsUndefined() || info[i].IsNull()) return fallback;
  if (!info[i].IsBoolean()) ThrowTypeError(info.Env(), "expected a boolean");
  return info[i].As<Napi::Boolean>().Value();
}

std::vector<at::Tensor> TensorList(Napi::Env env, const Napi::Value& v, const char* what, bool allowNull) {
  if (!v.IsArray()) ThrowTypeError(env, std::string(what) + " must be an array of tensors");
  Napi::Array arr = v.As<Napi::Array>();
  std::vector<at::Tensor> out;
  for (uint32_t i = 0; i < arr.Length(); ++i) {
    Napi::Value e = arr.Get(i);
    if (allowNull && (e.IsNull() || e.IsUndefined())) out.emplace_back();
    else out.push_back(UnwrapTensor(env, e, what));
  }
  return out;
}

Napi::Value RequiresGrad(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), UnwrapTensor(info.Env(), info[0]).requires_grad());
}

Napi::Value SetRequiresGrad(const Napi::CallbackInfo& info) {
  if (info.Length() < 2 || !info[1].IsBoolean()) ThrowTypeError(info.Env(), "setRequiresGrad(t, flag): flag must be a boolean");
  at::Tensor t = UnwrapTensor(info.Env(), info[0]);
  t.set_requires_grad(info[1].As<Napi::Boolean>().Value());
  return info.Env().Undefined();
}

Napi::Value IsLeaf(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), UnwrapTensor(info.Env(), info[0]).is_leaf());
}

Napi::Value GradFnName(const Napi::CallbackInfo& info) {
  const at::Tensor& t = UnwrapTensor(info.Env(), info[0]);
  auto fn = torch::autograd::impl::grad_fn_unsafe(t);
  if (!fn) return info.Env().Null();
  return Napi::String::New(info.Env(), fn->name());
}

Napi::Value Grad(const Napi::CallbackInfo& info) {
  const at::Tensor& g = UnwrapTensor(info.Env(), info[0]).grad();
  if (!g.defined()) return info.Env().Null();
  return WrapTensor(info.Env(), g);
}

Napi::Value SetGrad(const Napi::CallbackInfo& info) {
  at::Tensor t = UnwrapTensor(info.Env(), info[0]);
  if (info.Length() < 2 || info[1].IsNull() || info[1].IsUndefined()) {
    t.mutable_grad().reset();
  } else {
    const at::Tensor& g = UnwrapTensor(info.Env(), info[1], "grad");
    TORCH_CHECK(g.sizes() == t.sizes(), "assigned grad has shape ", g.sizes(), " but the tensor has ", t.sizes());
    TORCH_CHECK(g.scalar_type() == t.scalar_type(), "assigned grad has dtype ", g.scalar_type(),
                " but the tensor has ", t.scalar_type());
    TORCH_CHECK(g.device() == t.device(), "assigned grad is on ", g.device(), " but the tensor is on ", t.device());
    t.mutable_grad() = g;
  }
  return info.Env().Undefined();
}

Napi::Value RetainGrad(const Napi::CallbackInfo& info) {
  UnwrapTensor(info.Env(), info[0]).retain_grad();
  return info.Env().Undefined();
}

// backward(t, grad | null, retainGraph?, createGraph?)
Napi::Value Backward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const at::Tensor& t = UnwrapTensor(env, info[0]);
  at::Tensor grad;
  if (info.Length() > 1 && !info[1].IsNull() && !info[1].IsUndefined()) grad = UnwrapTensor(env, info[1], "gradient");
  bool create = OptBool(info, 3, false);
  c10::optional<bool> retain;
  if (info.Length() > 2 && !info[2].IsUndefined() && !info[2].IsNull()) retain = OptBool(info, 2, false);
  torch::autograd::backward({t}, {grad}, retain, create);
  return env.Undefined();
}

// autogradGrad(outputs[], inputs[], gradOutputs[] | null, retainGraph?, createGraph?, allowUnused?)
Napi::Value AutogradGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto outputs = TensorList(env, info[0], "outputs", false);
  auto inputs = TensorList(env, info[1], "inputs", false);
  std::vector<at::Tensor> gradOutputs;
  if (info.Length() > 2 && !info[2].IsNull() && !info[2].IsUndefined())
    gradOutputs = TensorList(env, info[2], "gradOutputs", true);
  c10::optional<bool> retain;
  if (info.Length() > 3 && !info[3].IsUndefined() && !info[3].IsNull()) retain = OptBool(info, 3, false);
  bool create = OptBool(info, 4, false);
  bool allowUnused = OptBool(info, 5, false);
  auto grads = torch::autograd::grad(outputs, inputs, gradOutputs, retain, create, allowUnused);
  Napi::Array out = Napi::Array::New(env, grads.size());
  for (size_t i = 0; i < grads.size(); ++i)
    out.Set(static_cast<uint32_t>(i), grads[i].defined() ? WrapTensor(env, grads[i]) : env.Null());
  return out;
}

Napi::Value SetGradEnabled(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsBoolean()) ThrowTypeError(info.Env(), "setGradEnabled(flag): flag must be a boolean");
  bool previous = c10::GradMode::is_enabled();
  c10::GradMode::set_enabled(info[0].As<Napi::Boolean>().Value());
  return Napi::Boolean::New(info.Env(), previous);
}

Napi::Value IsGradEnabled(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), c10::GradMode::is_enabled());
}

}  // namespace

void RegisterAutograd(Napi::Env env, Napi::Object exports) {
  Export<RequiresGrad>(env, exports, "requiresGrad");
  Export<SetRequiresGrad>(env, exports, "setRequiresGrad");
  Export<IsLeaf>(env, exports, "isLeaf");
  Export<GradFnName>(env, exports, "gradFnName");
  Export<Grad>(env, exports, "grad");
  Export<SetGrad>(env, exports, "setGrad");
  Export<RetainGrad>(env, exports, "retainGrad");
  Export<Backward>(env, exports, "backward");
  Export<AutogradGrad>(env, exports, "autogradGrad");
  Export<SetGradEnabled>(env, exports, "setGradEnabled");
  Export<IsGradEnabled>(env, exports, "isGradEnabled");
}

}  // namespace svf
