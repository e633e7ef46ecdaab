// Stand-in for a header Debian's libtorch-dev 1.13 leaves out (distributed autograd, i.e. RPC)
// but c10d/reducer.hpp includes. The Reducer uses only two names from it: the type of a
// gradient callback (static_assert'ed equal to its own) and a shared_ptr to the context as a
// member whose layout does not depend on the pointee. The Reducer is built, used and destroyed
// by LibTorch's own code, so nothing here is ever instantiated with a different definition.
// CMakeLists.txt adds this folder only when the LibTorch in use lacks the real header.
#pragma once
#include <functional>
#include <memory>
#include <ATen/core/Tensor.h>

namespace torch {
namespace distributed {
namespace autograd {

class DistAutogradContext {
 public:
  using GradCallback = std::function<bool(at::Tensor&)>;
};
using ContextPtr = std::shared_ptr<DistAutogradContext>;

}  // namespace autograd
}  // namespace distributed
}  // namespace torch
