#include "ledger/history.h"

#include <limits>

#include "base/ids.h"
#include "ledger/ledger_store.h"

namespace lucas::ledger {
namespace {

constexpr std::string_view kCursorPrefix = "e:";  // base64url("e:<entry id>")
constexpr size_t kMaxReasonPrefix = 64;

void require(bool ok, const std::string& message, nlohmann::json details = nullptr) {
  if (!ok) throw Error(ErrorCode::kInvalidArgument, message, std::move(details));
}

}  // namespace

void validate(const HistoryFilter& filter) {
  const auto& p = filter.reason_prefix;
  bool ok = p.size() <= kMaxReasonPrefix;
  for (char c : p)
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.');
  require(ok, "reason must be a prefix of at most 64 characters a-z, 0-9, '_' and '.'",
          {{"reason", p}});
  require(!filter.since || !filter.until || *filter.since < *filter.until,
          "since must be before until");
}

HistoryPage history(store::Tx& tx, AccountId account, const std::optional<std::string>& cursor,
                    int limit, const HistoryFilter& filter) {
  require(limit >= 1 && limit <= 200, "limit must be between 1 and 200", {{"limit", limit}});
  validate(filter);
  int64_t before = std::numeric_limits<int64_t>::max();
  if (cursor && !cursor->empty()) {
    auto decoded = base64url_decode(*cursor);
    bool ok = decoded && decoded->rfind(kCursorPrefix, 0) == 0;
    if (ok) {
      try {
        size_t used = 0;
        const std::string digits = decoded->substr(kCursorPrefix.size());
        before = std::stoll(digits, &used);
        ok = used == digits.size() && before > 0;
      } catch (const std::exception&) {
        ok = false;
      }
    }
    require(ok, "invalid cursor");
  }
  HistoryPage page;
  page.items = sql::history(tx, account, before, limit + 1, filter);
  if (static_cast<int>(page.items.size()) > limit) {
    page.items.resize(static_cast<size_t>(limit));
    page.next_cursor =
        base64url_encode(std::string(kCursorPrefix) + std::to_string(page.items.back().entry_id));
  }
  return page;
}

}  // namespace lucas::ledger
