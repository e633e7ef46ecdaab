// Live handles per storage, keyed by the StorageImpl (memory().numBytes counts each storage
// once): an open-addressing table with linear probing and backward-shift deletion, because the
// node-based std::unordered_map it replaces cost an allocation and a free per tensor handle.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace svf {

class StorageCounts {
 public:
  struct Entry {
    const void* key = nullptr;  // nullptr: an empty slot
    int64_t handles = 0;
    int64_t bytes = 0;
  };

  // The entry for `key`, inserted with handles == 0 when absent. Valid until the next Upsert.
  Entry& Upsert(const void* key);
  // The entry for `key`, or nullptr.
  Entry* Find(const void* key);
  // Removes an entry Find/Upsert returned.
  void Erase(Entry* entry);
  size_t size() const { return size_; }

 private:
  size_t SlotOf(const void* key) const;
  void Grow();

  std::vector<Entry> slots_;
  size_t size_ = 0;
};

}  // namespace svf
