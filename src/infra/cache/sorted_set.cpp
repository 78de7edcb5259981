#include "infra/cache/sorted_set.h"

#include <iterator>
#include <stdexcept>

namespace lucas::cache {

void check_score(int64_t score) {
  if (score > kMaxExactScore || score < -kMaxExactScore) {
    throw std::invalid_argument("sorted-set score out of the exact range (+-2^53)");
  }
}

void MemorySortedSets::put(Set& s, const std::string& member, int64_t score) {
  auto it = s.scores.find(member);
  if (it != s.scores.end()) {
    s.ordered.erase({it->second, member});
    it->second = score;
  } else {
    s.scores.emplace(member, score);
  }
  s.ordered.emplace(score, member);
}

void MemorySortedSets::set(const std::string& key, const std::string& member, int64_t score) {
  check_score(score);
  std::lock_guard lock(mu_);
  put(sets_[key], member, score);
}

int64_t MemorySortedSets::add(const std::string& key, const std::string& member, int64_t delta) {
  std::lock_guard lock(mu_);
  Set& s = sets_[key];
  auto it = s.scores.find(member);
  const int64_t old = it == s.scores.end() ? 0 : it->second;
  int64_t next = 0;
  if (__builtin_add_overflow(old, delta, &next)) {
    throw std::invalid_argument("sorted-set score overflow");
  }
  check_score(next);
  put(s, member, next);
  return next;
}

std::vector<Ranked> MemorySortedSets::range(const std::string& key, int64_t offset, int64_t count) {
  std::vector<Ranked> out;
  if (offset < 0 || count <= 0) return out;
  std::lock_guard lock(mu_);
  auto sit = sets_.find(key);
  if (sit == sets_.end() || offset >= static_cast<int64_t>(sit->second.ordered.size())) return out;
  auto it = sit->second.ordered.begin();
  std::advance(it, offset);
  for (int64_t r = offset; it != sit->second.ordered.end() && r < offset + count; ++it, ++r) {
    out.push_back(Ranked{it->second, it->first, r});
  }
  return out;
}

std::optional<Ranked> MemorySortedSets::find(const std::string& key, const std::string& member) {
  std::lock_guard lock(mu_);
  auto sit = sets_.find(key);
  if (sit == sets_.end()) return std::nullopt;
  auto m = sit->second.scores.find(member);
  if (m == sit->second.scores.end()) return std::nullopt;
  // O(rank): fine for the in-process default (one community); Redis does it in O(log n).
  const auto pos = sit->second.ordered.find({m->second, member});
  const auto rank = std::distance(sit->second.ordered.begin(), pos);
  return Ranked{member, m->second, static_cast<int64_t>(rank)};
}

int64_t MemorySortedSets::size(const std::string& key) {
  std::lock_guard lock(mu_);
  auto sit = sets_.find(key);
  return sit == sets_.end() ? 0 : static_cast<int64_t>(sit->second.scores.size());
}

void MemorySortedSets::remove(const std::string& key, const std::string& member) {
  std::lock_guard lock(mu_);
  auto sit = sets_.find(key);
  if (sit == sets_.end()) return;
  auto m = sit->second.scores.find(member);
  if (m == sit->second.scores.end()) return;
  sit->second.ordered.erase({m->second, member});
  sit->second.scores.erase(m);
  if (sit->second.scores.empty()) sets_.erase(sit);
}

void MemorySortedSets::clear(const std::string& key) {
  std::lock_guard lock(mu_);
  sets_.erase(key);
}

}  // namespace lucas::cache
