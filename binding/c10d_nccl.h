// ProcessGroupNCCL as a c10d Backend, for CUDA builds of LibTorch 2.x. Its header needs the CUDA
// runtime's headers (crt/, cuda_runtime_api.h) and NCCL's nccl.h, which a pip install of torch
// only partly has; CMakeLists.txt compiles c10d_nccl.cc with SVF_WITH_NCCL only where it found
// them (a CUDA toolkit, or CUDA_HOME; NCCL from the nvidia-nccl wheel or NCCL_INCLUDE_DIR).
// Everything it calls lives in libtorch_cuda, which CUDA builds link anyway: no CUDA code here.
#pragma once
#include <chrono>
#include <torch/csrc/distributed/c10d/Backend.hpp>
#include <torch/csrc/distributed/c10d/Store.hpp>

namespace svf {

// A NCCL backend over `store` (as _new_process_group_helper makes it for backend 'nccl').
// Throws PyTorch's own error where it cannot run (no GPU, NCCL missing at run time).
c10::intrusive_ptr<c10d::Backend> MakeNcclBackend(const c10::intrusive_ptr<c10d::Store>& store, int rank, int worldSize,
                                                  std::chrono::milliseconds timeout);

}  // namespace svf
