// A per-thread memo of decoded cache entries. Caches hold text (JSON, signed entries) so that
// every node and Redis can share them; decoding that text again on every read (a JSON parse, a
// MAC check) costs more than the read itself. A memo remembers what an entry's exact text
// decoded to: the cache stays the source of truth (the text is fetched every time, so erases
// and updates are seen at once), and only an identical text under the same key skips decoding.
//
// Use one `thread_local DecodeMemo<T>` per decoder: lookups take no lock. `Slots` bounds the
// memory per thread; a slot is replaced by whatever else hashes to it.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

namespace lucas {

template <class T, size_t Slots = 64>
class DecodeMemo {
 public:
  // What decode(raw) returned for this key and text before, on this thread; else decode(raw),
  // remembered when it has a value (a failed decode is tried again next time).
  template <class Decode>
  std::optional<T> get(const std::string& key, const std::string& raw, Decode&& decode) {
    const size_t h = std::hash<std::string>{}(raw) ^ (std::hash<std::string>{}(key)*31);
    Slot& slot = slots_[h % Slots];
    if (slot.value && slot.raw == raw && slot.key == key) return slot.value;
    std::optional<T> value = decode(raw);
    if (value) {
      slot.key = key;
      slot.raw = raw;
      slot.value = value;
    }
    return value;
  }

 private:
  struct Slot {
    std::string key;
    std::string raw;
    std::optional<T> value;
  };
  std::array<Slot, Slots> slots_;
};

}  // namespace lucas
