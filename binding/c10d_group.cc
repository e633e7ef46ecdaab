#include "c10d_group.h"
#include <cstdlib>
#include <mutex>
#include <sstream>
#include <thread>
#include <torch/csrc/api/include/torch/version.h>
#include <torch/csrc/distributed/c10d/FileStore.hpp>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

// ProcessGroupGloo.hpp includes gloo's own headers, which neither pip's torch nor the LibTorch
// zips ship (they link gloo in statically); Debian's libgloo-dev has them. CMakeLists.txt sets
// SVF_WITH_GLOO when they are found. Only declarations and pointers to gloo types are used
// here, so the headers' gloo version need not equal the one linked into LibTorch (see
// docs/ARCHITECTURE.md, "Distributed").
#if SVF_WITH_NCCL
#include "c10d_nccl.h"
#endif

#if SVF_WITH_GLOO
#define USE_C10D_GLOO 1
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif

// LibTorch 2.0 split ProcessGroup into a device-generic front (ProcessGroup) and per-device
// Backends; before, ProcessGroupGloo was itself the ProcessGroup.
#define SVF_C10D_HAS_BACKENDS (TORCH_VERSION_MAJOR >= 2)

namespace svf {
namespace {

struct DefaultGroupState {
  std::mutex mutex;
  c10::intrusive_ptr<c10d::ProcessGroup> group;
  std::string backend;
};

// Never destroyed: a group still tearing down its threads at exit (a peer gone, a collective
// pending) must not hold up or crash the process's exit. destroyProcessGroup frees it.
DefaultGroupState& State() {
  static auto* state = new DefaultGroupState();
  return *state;
}

c10::intrusive_ptr<c10d::Store> MakeStore(const GroupSpec& spec) {
  c10::intrusive_ptr<c10d::Store> store;
  if (spec.fileStore) {
    store = c10::make_intrusive<c10d::FileStore>(spec.address, spec.worldSize);
    store->setTimeout(spec.timeout);
  } else {
    // As torch.distributed's rendezvous (_create_c10d_store): rank 0 hosts the store and waits
    // for the other ranks to connect; multi-tenant so several groups may share one port.
    c10d::TCPStoreOptions opts;
    opts.port = spec.port;
    opts.isServer = spec.storeServer;
    opts.numWorkers = static_cast<size_t>(spec.worldSize);
    opts.waitWorkers = true;
    opts.timeout = spec.timeout;
    opts.multiTenant = true;
    store = c10::make_intrusive<c10d::TCPStore>(spec.address, opts);
  }
  if (!spec.storePrefix.empty()) store = c10::make_intrusive<c10d::PrefixStore>(spec.storePrefix, store);
  // init_process_group keeps the default group's keys under "default_pg".
  return c10::make_intrusive<c10d::PrefixStore>("default_pg", store);
}

#if SVF_WITH_GLOO
// As the ProcessGroupGloo constructor of PyTorch's Python binding: GLOO_SOCKET_IFNAME's
// interfaces if set, else the address this host's name resolves to (loopback as fallback).
c10::intrusive_ptr<c10d::ProcessGroupGloo::Options> GlooOptions(std::chrono::milliseconds timeout) {
  auto options = c10d::ProcessGroupGloo::Options::create(timeout);
  const char* ifnames = std::getenv("GLOO_SOCKET_IFNAME");
  if (ifnames && ifnames[0] != '\0') {
    std::stringstream list(ifnames);
    for (std::string iface; std::getline(list, iface, ',');)
      if (!iface.empty()) options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(iface));
  } else {
    options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
  }
  options->timeout = timeout;
  options->threads = static_cast<int>(options->devices.size() * 2);
  return options;
}

// PyTorch 1.13's init_process_group ends with this barrier on the store (2.x only when
// TORCH_DIST_INIT_BARRIER=1): every rank adds itself to a counter and waits for all.
void StoreBasedBarrier(const c10::intrusive_ptr<c10d::Store>& store, int worldSize, std::chrono::milliseconds timeout,
                       const std::string& key) {
  store->add(key, 1);
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    const int64_t count = store->add(key, 0);
    if (count >= worldSize) return;
    TORCH_CHECK(std::chrono::steady_clock::now() - start < timeout, "Timed out initializing process group in store based barrier: ",
                count, " of ", worldSize, " ranks joined within ", timeout.count(), " ms");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

c10::intrusive_ptr<c10d::ProcessGroup> MakeGlooGroup(const GroupSpec& spec, const c10::intrusive_ptr<c10d::Store>& store) {
#if SVF_C10D_HAS_BACKENDS
  // _new_process_group_helper: a ProcessGroup named "0" over "0/", its CPU backend over "0/cpu/".
  auto groupStore = c10::make_intrusive<c10d::PrefixStore>("0/", store);
  auto group = c10::make_intrusive<c10d::ProcessGroup>(groupStore, spec.rank, spec.worldSize);
  group->setDefaultBackend(c10d::ProcessGroup::BackendType::GLOO);
  auto backend = c10::make_intrusive<c10d::ProcessGroupGloo>(c10::make_intrusive<c10d::PrefixStore>("cpu/", groupStore),
                                                               spec.rank, spec.worldSize, GlooOptions(spec.timeout));
  // 'gloo' serves CPU and CUDA tensors alike: one backend registered for both devices.
  group->setBackend(c10::DeviceType::CPU, c10d::ProcessGroup::BackendType::GLOO, backend);
  group->setBackend(c10::DeviceType::CUDA, c10d::ProcessGroup::BackendType::GLOO, backend);
  group->setGroupName("0");
  const char* initBarrier = std::getenv("TORCH_DIST_INIT_BARRIER");
  if (initBarrier && std::string(initBarrier) == "1") StoreBasedBarrier(store, spec.worldSize, spec.timeout, "store_based_barrier_key:0");
  return group;
#else
  auto group = c10::make_intrusive<c10d::ProcessGroupGloo>(c10::make_intrusive<c10d::PrefixStore>("0", store), spec.rank,
                                                             spec.worldSize, GlooOptions(spec.timeout));
  StoreBasedBarrier(store, spec.worldSize, spec.timeout, "store_based_barrier_key:1");
  return group;
#endif
}
#endif

#if SVF_WITH_NCCL
// init_process_group(backend='nccl'): a ProcessGroup named "0" whose CUDA backend is NCCL over
// "0/cuda/" (CPU tensors have no backend, as in PyTorch).
c10::intrusive_ptr<c10d::ProcessGroup> MakeNcclGroup(const GroupSpec& spec, const c10::intrusive_ptr<c10d::Store>& store) {
  auto groupStore = c10::make_intrusive<c10d::PrefixStore>("0/", store);
  auto group = c10::make_intrusive<c10d::ProcessGroup>(groupStore, spec.rank, spec.worldSize);
  group->setDefaultBackend(c10d::ProcessGroup::BackendType::NCCL);
  auto backend = MakeNcclBackend(c10::make_intrusive<c10d::PrefixStore>("cuda/", groupStore), spec.rank, spec.worldSize, spec.timeout);
  group->setBackend(c10::DeviceType::CUDA, c10d::ProcessGroup::BackendType::NCCL, backend);
  group->setGroupName("0");
  return group;
}
#endif

}  // namespace

std::string BackendUnavailableReason(const std::string& backend) {
  if (backend == "gloo") {
#if SVF_WITH_GLOO
    return "";
#else
    return "distributed backend 'gloo' not built for this LibTorch: gloo's headers were not found when the addon was "
           "compiled (install them: apt-get install libgloo-dev, or set GLOO_INCLUDE_DIR; then npm run build:addon)";
#endif
  }
  if (backend == "nccl") {
#if SVF_WITH_NCCL
    return "";
#elif TORCH_VERSION_MAJOR >= 2 && defined(SVF_LIBTORCH_HAS_CUDA)
    return "distributed backend 'nccl' not built into this addon: c10d's ProcessGroupNCCL.hpp needs the CUDA runtime's "
           "and NCCL's development headers (a CUDA toolkit's include/ and nccl.h), which were not found when it was "
           "compiled (set CUDA_HOME and NCCL_INCLUDE_DIR, then npm run build:addon); or use backend 'gloo', which "
           "PyTorch also registers for CUDA tensors";
#elif TORCH_VERSION_MAJOR >= 2
    return "distributed backend 'nccl' not built for this LibTorch: it has no CUDA; use backend 'gloo'";
#else
    return "distributed backend 'nccl' not built for this LibTorch: it has no CUDA; use backend 'gloo'";
#endif
  }
  return "unknown distributed backend '" + backend + "' (expected 'gloo' or 'nccl')";
}

void InitDefaultGroup(const GroupSpec& spec) {
  const std::string reason = BackendUnavailableReason(spec.backend);
  TORCH_CHECK(reason.empty(), reason);
  auto& state = State();
  {
    std::lock_guard<std::mutex> lock(state.mutex);
    TORCH_CHECK(!state.group, "trying to initialize the default process group twice!");
  }
  // Connecting blocks until every rank has joined: not under the lock.
  c10::intrusive_ptr<c10d::ProcessGroup> group;
#if SVF_WITH_GLOO || SVF_WITH_NCCL
  // The store's and gloo's own messages ("Socket Timeout") do not say what was being waited for.
  const std::string where = spec.fileStore ? "file://" + spec.address : "tcp://" + spec.address + ":" + std::to_string(spec.port);
  c10::intrusive_ptr<c10d::Store> store;
  try {
    store = MakeStore(spec);
#if SVF_WITH_GLOO
    if (spec.backend == "gloo") group = MakeGlooGroup(spec, store);
#endif
  } catch (const c10::Error& e) {
    TORCH_CHECK(false, "initProcessGroup: rank ", spec.rank, " of ", spec.worldSize, " could not join the group at ", where,
                " within the timeout of ", spec.timeout.count(), " ms: ", e.what_without_backtrace());
  } catch (const std::exception& e) {
    TORCH_CHECK(false, "initProcessGroup: rank ", spec.rank, " of ", spec.worldSize, " could not join the group at ", where,
                " within the timeout of ", spec.timeout.count(), " ms: ", e.what());
  }
#if SVF_WITH_NCCL
  // NCCL connects lazily, at the first collective; its own refusals here (no GPU) are PyTorch's
  // messages, not a failed rendezvous
  if (spec.backend == "nccl") group = MakeNcclGroup(spec, store);
#endif
#endif
  std::lock_guard<std::mutex> lock(state.mutex);
  TORCH_CHECK(!state.group, "trying to initialize the default process group twice!");
  state.group = group;
  state.backend = spec.backend;
}

bool HasDefaultGroup() {
  auto& state = State();
  std::lock_guard<std::mutex> lock(state.mutex);
  return static_cast<bool>(state.group);
}

c10::intrusive_ptr<c10d::ProcessGroup> DefaultGroup(const std::string& what) {
  auto& state = State();
  std::lock_guard<std::mutex> lock(state.mutex);
  TORCH_CHECK(state.group, what, ": Default process group has not been initialized, please make sure to call "
              "initProcessGroup.");
  return state.group;
}

std::string DefaultGroupBackend() {
  auto& state = State();
  std::lock_guard<std::mutex> lock(state.mutex);
  return state.backend;
}

void DestroyDefaultGroup() {
  c10::intrusive_ptr<c10d::ProcessGroup> group;
  {
    auto& state = State();
    std::lock_guard<std::mutex> lock(state.mutex);
    TORCH_CHECK(state.group, "destroyProcessGroup: Default process group has not been initialized, please make sure to "
                "call initProcessGroup.");
    group.swap(state.group);
    state.backend.clear();
  }
  // The last reference (unless a DDP reducer still holds one) joins the backend's threads here.
}

}  // namespace svf
