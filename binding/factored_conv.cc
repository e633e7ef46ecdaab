#include "factored_conv.h"
#include <ATen/ATen.h>
#include <c10/core/GradMode.h>
#include <torch/csrc/autograd/custom_function.h>
#include "guard.h"
#include "js_args.h"
#include "tensor_handle.h"

namespace svf {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// stride (2), padding (2), dilation (2), groups: conv_V's geometry; conv_U is 1×1, stride 1.
struct Geometry {
  std::vector<int64_t> stride, padding, dilation;
  int64_t groups = 1;

  // From the JS layout [strideH, strideW, padH, padW, dilationH, dilationW, groups].
  explicit Geometry(const std::vector<int64_t>& g)
      : stride{g[0], g[1]}, padding{g[2], g[3]}, dilation{g[4], g[5]}, groups(g[6]) {}
};

at::Tensor ConvV(const at::Tensor& x, const at::Tensor& v, const Geometry& g) {
  return at::convolution(x, v, c10::nullopt, g.stride, g.padding, g.dilation, false, {0, 0}, g.groups);
}

// w · scale along dim 0 (per output channel).
at::Tensor ScaleRows(const at::Tensor& w, const at::Tensor& scale) {
  return w.mul(scale.view({-1, 1, 1, 1}));
}

// U (out, rank/G, 1, 1) times s (1, rank, 1, 1) along its columns, group by group.
at::Tensor ScaleCols(const at::Tensor& u, const at::Tensor& s, int64_t groups) {
  if (groups == 1) return u.mul(s);
  const int64_t out = u.size(0), r = u.size(1);
  return u.view({groups, out / groups, r}).mul(s.view({groups, 1, r})).view(u.sizes());
}

// The input gradient of a convolution whose input had `inputLike`'s sizes and memory format
// (only those are read when the weight gradient is not asked for).
at::Tensor InputGrad(const at::Tensor& grad, const at::Tensor& inputLike, const at::Tensor& weight,
                     at::IntArrayRef stride, at::IntArrayRef padding, at::IntArrayRef dilation, int64_t groups) {
  return std::get<0>(at::convolution_backward(grad, inputLike, weight, c10::nullopt, stride, padding, dilation,
                                              false, {0, 0}, groups, {true, false, false}));
}

// Where the per-channel factors go is chosen by cost, never changing the function:
//  - s multiplies U's columns (out·rank multiplies) when out <= the output's pixel count, else
//    conv_V's output (pixels·rank);
//  - an optional affine of a frozen eval BatchNorm (y·scale + shift) multiplies U's rows
//    (out·rank) when rank < pixels, else the output (pixels·out).
// Scaled copies of U are temporaries of this call (rebuilt in backward), never cached: a cache
// would cost as much memory as U.
struct FactoredConv : public torch::autograd::Function<FactoredConv> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& v, const at::Tensor& s,
                            const at::Tensor& u, const c10::optional<at::Tensor>& bias,
                            const c10::optional<at::Tensor>& scale, const c10::optional<at::Tensor>& shift,
                            std::vector<int64_t> geom) {
    const Geometry g(geom);
    at::Tensor h = ConvV(x, v, g);
    const int64_t pixels = h.size(0) * h.size(2) * h.size(3);
    const bool affine = scale.has_value();
    const bool affineOnU = affine && v.size(0) < pixels;
    const bool sOnU = u.size(0) <= pixels;
    at::Tensor uEff = affineOnU ? ScaleRows(u, *scale) : u;
    if (sOnU) uEff = ScaleCols(uEff, s, g.groups);
    c10::optional<at::Tensor> b = bias;
    if (affineOnU) b = bias ? bias->mul(*scale).add_(*shift) : *shift;
    at::Tensor y = at::convolution(sOnU ? h : h.mul(s), uEff, b, {1, 1}, {0, 0}, {1, 1}, false, {0, 0}, g.groups);
    if (affine && !affineOnU) y.mul_(scale->view({1, -1, 1, 1})).add_(shift->view({1, -1, 1, 1}));
    const bool needX = x.requires_grad(), needS = s.requires_grad();
    // h is kept only for dL/ds; without it, an uninitialised tensor of its size stands in
    // for conv_U's input (allocated in backward, never written).
    ctx->save_for_backward({needS ? h : at::Tensor(), s, v, u, affine ? *scale : at::Tensor()});
    ctx->saved_data["geom"] = c10::IValue(c10::List<int64_t>(geom));
    ctx->saved_data["x_sizes"] = c10::IValue(c10::List<int64_t>(x.sizes().vec()));
    ctx->saved_data["h_sizes"] = c10::IValue(c10::List<int64_t>(h.sizes().vec()));
    ctx->saved_data["x_channels_last"] = x.suggest_memory_format() == at::MemoryFormat::ChannelsLast;
    ctx->saved_data["need_x"] = needX;
    ctx->saved_data["need_s"] = needS;
    ctx->saved_data["affine_on_u"] = affineOnU;
    return y;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const at::Tensor &h = saved[0], &s = saved[1], &v = saved[2], &u = saved[3], &scale = saved[4];
    const Geometry g(ctx->saved_data["geom"].toIntVector());
    const bool needX = ctx->saved_data["need_x"].toBool(), needS = ctx->saved_data["need_s"].toBool();
    const bool affineOnU = ctx->saved_data["affine_on_u"].toBool();
    at::Tensor gy = grads[0];
    at::Tensor gx, gs;
    if (gy.defined() && (needX || needS)) {
      at::Tensor uEff = u;
      if (scale.defined()) {
        if (affineOnU) uEff = ScaleRows(u, scale);
        else gy = gy.mul(scale.view({1, -1, 1, 1}));
      }
      at::Tensor hLike = h.defined() ? h : at::empty(ctx->saved_data["h_sizes"].toIntVector(), gy.options());
      at::Tensor gm = InputGrad(gy, hLike, uEff, {1, 1}, {0, 0}, {1, 1}, g.groups);
      if (needS) gs = h.mul(gm).sum({0, 2, 3}, /*keepdim=*/true).view(s.sizes());
      if (needX) {
        auto fmt = ctx->saved_data["x_channels_last"].toBool() ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous;
        at::Tensor xLike = at::empty(ctx->saved_data["x_sizes"].toIntVector(), gy.options().memory_format(fmt));
        gx = InputGrad(gm.mul_(s), xLike, v, g.stride, g.padding, g.dilation, g.groups);
      }
    }
    return {gx, at::Tensor(), gs, at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

// factoredConv2d(x, V, s, U, bias | null, scale | null, shift | null,
//                [strideH, strideW, padH, padW, dilH, dilW, groups])
Napi::Value FactoredConv2d(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 8) ThrowTypeError(env, "factoredConv2d expects 8 arguments");
  const at::Tensor& x = UnwrapTensor(env, info[0], "x");
  const at::Tensor& v = UnwrapTensor(env, info[1], "V");
  const at::Tensor& s = UnwrapTensor(env, info[2], "s");
  const at::Tensor& u = UnwrapTensor(env, info[3], "U");
  c10::optional<at::Tensor> bias;
  if (!info[4].IsNull() && !info[4].IsUndefined()) bias = UnwrapTensor(env, info[4], "bias");
  c10::optional<at::Tensor> scale, shift;
  const bool hasScale = !info[5].IsNull() && !info[5].IsUndefined();
  const bool hasShift = !info[6].IsNull() && !info[6].IsUndefined();
  if (hasScale != hasShift) ThrowTypeError(env, "factoredConv2d: scale and shift go together");
  if (hasScale) {
    scale = UnwrapTensor(env, info[5], "scale");
    shift = UnwrapTensor(env, info[6], "shift");
  }
  std::vector<int64_t> geom = ReadInts(env, info[7], "geometry", 0, 7);
  if (geom[0] < 1 || geom[1] < 1 || geom[4] < 1 || geom[5] < 1 || geom[6] < 1)
    ThrowRangeError(env, "factoredConv2d: stride, dilation and groups must be positive");
  TORCH_CHECK(!at::GradMode::is_enabled() ||
                  (!v.requires_grad() && !u.requires_grad() && !(bias && bias->requires_grad())),
              "factoredConv2d: U, V and the bias must be frozen (requires_grad=False) while grad mode is on");
  TORCH_CHECK(x.dim() == 4 && v.dim() == 4 && u.dim() == 4, "factoredConv2d: x, V and U must be 4-D");
  TORCH_CHECK(s.dim() == 4 && s.size(0) == 1 && s.size(2) == 1 && s.size(3) == 1 && s.size(1) == v.size(0),
              "factoredConv2d: s must have shape (1, rank, 1, 1) with rank = V.size(0)");
  if (scale) {
    TORCH_CHECK(scale->dim() == 1 && shift->dim() == 1 && scale->size(0) == u.size(0) && shift->size(0) == u.size(0),
                "factoredConv2d: scale and shift must be 1-D with one value per output channel");
    TORCH_CHECK(!at::GradMode::is_enabled() || (!scale->requires_grad() && !shift->requires_grad()),
                "factoredConv2d: scale and shift must be frozen while grad mode is on");
  }
  return WrapTensor(env, FactoredConv::apply(x, v, s, u, bias, scale, shift, geom));
}

}  // namespace

void RegisterFactoredConv(Napi::Env env, Napi::Object exports) {
  Export<FactoredConv2d>(env, exports, "factoredConv2d");
}

}  // namespace svf
