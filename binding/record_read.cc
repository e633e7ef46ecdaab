#include "record_read.h"
#include <ATen/ATen.h>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <unistd.h>
#include "dtypes.h"
#include "guard.h"
#include "js_args.h"
#include "promise_worker.h"
#include "tensor_handle.h"

namespace svf {

namespace {

struct RecordRequest {
  int fd = -1;
  int64_t offset = 0;
  int64_t length = 0;
  std::vector<int64_t> shape;
  c10::ScalarType dtype = c10::ScalarType::Float;
};

int64_t ReadNonNegative(Napi::Env env, const Napi::Value& v, const char* what) {
  if (!v.IsNumber()) ThrowTypeError(env, std::string("readRecord: ") + what + " must be a number");
  double d = v.As<Napi::Number>().DoubleValue();
  // 2^53: beyond it doubles skip integers, so no file offset or length can be that large
  if (!(d >= 0 && d <= 9007199254740992.0 && std::floor(d) == d))
    ThrowRangeError(env, std::string("readRecord: ") + what + " must be a non-negative integer");
  return static_cast<int64_t>(d);
}

// readRecord(fd, offset, length, shape, dtypeCode): the arguments of both variants.
RecordRequest ReadRequest(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RecordRequest r;
  r.fd = static_cast<int>(ReadNonNegative(env, info[0], "fd"));
  r.offset = ReadNonNegative(env, info[1], "offset");
  r.length = ReadNonNegative(env, info[2], "length");
  r.shape = ReadInts(env, info[3], "shape", 0);
  r.dtype = DtypeFromCode(env, info[4]);
  // The tensor is allocated before a byte is read: its size must be what the record holds, so
  // a lying header can never allocate more than the record it points at.
  int64_t numel = 1;
  for (int64_t s : r.shape) {
    if (s != 0 && numel > INT64_MAX / s) ThrowRangeError(env, "readRecord: the shape has too many elements");
    numel *= s;
  }
  int64_t itemSize = static_cast<int64_t>(c10::elementSize(r.dtype));
  if (numel > INT64_MAX / itemSize || numel * itemSize != r.length)
    ThrowRangeError(env, "readRecord: the record has " + std::to_string(r.length) + " bytes, the shape needs " +
                             std::to_string(numel) + " × " + std::to_string(itemSize));
  return r;
}

// Runs on any thread; throws std::runtime_error with a message fit for a TorchError.
at::Tensor Read(const RecordRequest& r) {
  at::Tensor t = at::empty(r.shape, at::TensorOptions().dtype(r.dtype));
  auto* into = static_cast<char*>(t.data_ptr());
  int64_t done = 0;
  while (done < r.length) {
    // at most 1 GiB per call: Linux caps a single read at 0x7ffff000 bytes anyway
    size_t chunk = static_cast<size_t>(std::min<int64_t>(r.length - done, int64_t{1} << 30));
    ssize_t n = pread(r.fd, into + done, chunk, static_cast<off_t>(r.offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("reading the file failed: ") + std::strerror(errno));
    }
    if (n == 0) throw std::runtime_error("unexpected end of file while reading (the file is truncated)");
    done += n;
  }
  return t;
}

Napi::Value ReadRecord(const Napi::CallbackInfo& info) {
  RecordRequest r = ReadRequest(info);
  at::Tensor t;
  try {
    t = Read(r);
  } catch (const std::runtime_error& e) {
    ThrowTorchError(info.Env(), e.what());
  }
  return WrapTensor(info.Env(), std::move(t));
}

class RecordWorker : public PromiseWorker {
 public:
  RecordWorker(Napi::Env env, RecordRequest request) : PromiseWorker(env, "svf-torch:readRecord"), request_(std::move(request)) {}

 protected:
  void Run() override { tensor_ = Read(request_); }
  Napi::Value Result(Napi::Env env) override { return WrapTensor(env, std::move(tensor_)); }
  void Release() override { tensor_.reset(); }

 private:
  RecordRequest request_;
  at::Tensor tensor_;
};

// The file descriptor must stay open until the promise settles (the caller awaits it).
Napi::Value ReadRecordAsync(const Napi::CallbackInfo& info) {
  return (new RecordWorker(info.Env(), ReadRequest(info)))->Start();
}

}  // namespace

void RegisterRecordRead(Napi::Env env, Napi::Object exports) {
  Export<ReadRecord>(env, exports, "readRecord");
  Export<ReadRecordAsync>(env, exports, "readRecordAsync");
}

}  // namespace svf
