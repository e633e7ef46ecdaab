// See c10d_nccl.h. The whole file is empty unless CMake found CUDA's and NCCL's headers.
#if SVF_WITH_NCCL
#include "c10d_nccl.h"
#define USE_C10D_NCCL 1
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>

namespace svf {

c10::intrusive_ptr<c10d::Backend> MakeNcclBackend(const c10::intrusive_ptr<c10d::Store>& store, int rank, int worldSize,
                                                  std::chrono::milliseconds timeout) {
  // PyTorch's defaults: a normal-priority stream, the group's timeout.
  auto options = c10d::ProcessGroupNCCL::Options::create();
  options->timeout = timeout;
  return c10::make_intrusive<c10d::ProcessGroupNCCL>(store, rank, worldSize, options);
}

}  // namespace svf
#endif
