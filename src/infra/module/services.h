// The platform's parts by type: the composition root puts the infrastructure in (borrowed), each
// module adds the services it provides (owned, destroyed in reverse order of provision), and every
// module's wiring takes what it needs by type. Not thread-safe while being filled; read-only after.
#pragma once

#include <memory>
#include <string>
#include <typeindex>
#include <typeinfo>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/error.h"

namespace lucas::module {

class Services {
 public:
  Services() = default;
  Services(const Services&) = delete;
  Services& operator=(const Services&) = delete;
  ~Services() {
    while (!owned_.empty()) owned_.pop_back();  // reverse order of provision
  }

  // Registers a part owned elsewhere (it must outlive this registry). INTERNAL if T is taken.
  template <class T>
  T& put(T& part) {
    claim(typeid(T), &part);
    return part;
  }
  // Registers and owns a part. INTERNAL if T is taken.
  template <class T>
  T& put(std::unique_ptr<T> part) {
    T& ref = *part;
    claim(typeid(T), part.get());
    owned_.push_back(
        std::shared_ptr<void>(part.release(), [](void* p) { delete static_cast<T*>(p); }));
    return ref;
  }
  // The part of type T, or nullptr.
  template <class T>
  T* find() const {
    const auto it = parts_.find(typeid(T));
    return it == parts_.end() ? nullptr : static_cast<T*>(it->second);
  }
  // The part of type T; INTERNAL naming the type when no module provided it (a wiring mistake).
  template <class T>
  T& get() const {
    if (T* p = find<T>()) return *p;
    throw Error(ErrorCode::kInternal,
                std::string("no module provides ") + typeid(T).name() +
                    " (is the module that provides it listed before the one that uses it?)");
  }

 private:
  void claim(std::type_index type, void* part) {
    if (!parts_.emplace(type, part).second) {
      throw Error(ErrorCode::kInternal,
                  std::string("two modules provide ") + type.name() + ": each part has one owner");
    }
  }
  std::unordered_map<std::type_index, void*> parts_;
  std::vector<std::shared_ptr<void>> owned_;
};

}  // namespace lucas::module
