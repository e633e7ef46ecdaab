// The process's default c10d process group (torch.distributed's "WORLD"): made from a store
// (TCPStore or FileStore) and a backend (ProcessGroupGloo; NCCL on CUDA builds), the way
// torch.distributed.init_process_group makes it, on LibTorch 1.13 (ProcessGroupGloo is a
// ProcessGroup) and 2.x (a Backend registered in a ProcessGroup) alike. Process-wide, like
// PyTorch's: every worker thread sees the same group.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>

namespace svf {

struct GroupSpec {
  std::string backend;            // "gloo" | "nccl"
  int rank = 0;
  int worldSize = 1;
  bool fileStore = false;         // FileStore at `address`; else TCPStore at address:port
  std::string address;
  uint16_t port = 0;
  bool storeServer = false;       // this rank hosts the TCPStore (rank 0, unless an agent does)
  std::string storePrefix;        // torchelastic's agent store prefix, or empty
  std::chrono::milliseconds timeout{0};
};

// Empty when this binary can make the backend; otherwise why not and how to fix it.
std::string BackendUnavailableReason(const std::string& backend);

// Makes the default group; TORCH_CHECKs that none exists. Blocks until every rank has joined
// or the timeout passes (then throws, as PyTorch does).
void InitDefaultGroup(const GroupSpec& spec);
bool HasDefaultGroup();
// The default group; TORCH_CHECK fails with `what` in the message when there is none.
c10::intrusive_ptr<c10d::ProcessGroup> DefaultGroup(const std::string& what);
std::string DefaultGroupBackend();
void DestroyDefaultGroup();

}  // namespace svf
