#include "storage_counts.h"

namespace svf {

// A pointer's low bits are alignment and its high bits shared by every allocation: mix them.
size_t StorageCounts::SlotOf(const void* key) const {
  uint64_t x = reinterpret_cast<uintptr_t>(key);
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return static_cast<size_t>(x) & (slots_.size() - 1);
}

void StorageCounts::Grow() {
  std::vector<Entry> old = std::move(slots_);
  slots_.assign(old.empty() ? 64 : old.size() * 2, Entry{});
  for (const Entry& e : old) {
    if (e.key == nullptr) continue;
    size_t i = SlotOf(e.key);
    while (slots_[i].key != nullptr) i = (i + 1) & (slots_.size() - 1);
    slots_[i] = e;
  }
}

StorageCounts::Entry& StorageCounts::Upsert(const void* key) {
  if ((size_ + 1) * 2 > slots_.size()) Grow();  // at most half full: short probes
  size_t i = SlotOf(key);
  while (slots_[i].key != nullptr && slots_[i].key != key) i = (i + 1) & (slots_.size() - 1);
  if (slots_[i].key == nullptr) {
    slots_[i].key = key;
    ++size_;
  }
  return slots_[i];
}

StorageCounts::Entry* StorageCounts::Find(const void* key) {
  if (slots_.empty()) return nullptr;
  size_t i = SlotOf(key);
  while (slots_[i].key != nullptr) {
    if (slots_[i].key == key) return &slots_[i];
    i = (i + 1) & (slots_.size() - 1);
  }
  return nullptr;
}

void StorageCounts::Erase(Entry* entry) {
  const size_t mask = slots_.size() - 1;
  size_t hole = static_cast<size_t>(entry - slots_.data());
  // Backward shift: move later entries of the probe run into the hole when their home slot
  // does not lie cyclically in (hole, j], so every key stays reachable from its home slot.
  for (size_t j = (hole + 1) & mask; slots_[j].key != nullptr; j = (j + 1) & mask) {
    const size_t home = SlotOf(slots_[j].key);
    const bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
    if (!stays) {
      slots_[hole] = slots_[j];
      hole = j;
    }
  }
  slots_[hole] = Entry{};
  --size_;
}

}  // namespace svf
