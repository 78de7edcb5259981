#include "infra/telegram/failed_updates.h"

#include "base/error.h"
#include "base/i18n.h"

namespace lucas::telegram {

std::optional<Outgoing> update_failure_reply(const Update& update) {
  if (!update.message || update.message->chat.id == 0) return std::nullopt;
  const auto& m = *update.message;
  const std::string_view lang = i18n::language_for(m.from ? m.from->language_code : "");
  return Outgoing{m.chat.id, i18n::text(lang, "update_failed"), m.message_id, 0};
}

std::vector<FailedUpdate> FailedUpdates::list(int64_t after_id, int limit) {
  return db_.transact([&](store::Tx& tx) {
    auto found = failed_updates(tx, after_id, limit);
    audit_.append(tx, audit::entry(0, "admin.telegram_failed_list", "telegram_updates",
                                   {{"after_id", after_id}, {"returned", found.size()}}));
    return found;
  });
}

int64_t FailedUpdates::retry(std::optional<int64_t> update_id) {
  return db_.transact([&](store::Tx& tx) {
    const int64_t n = retry_failed_updates(tx, update_id, clock_.now());
    if (update_id && n == 0) {
      throw Error(ErrorCode::kNotFound,
                  "telegram update " + std::to_string(*update_id) + " is not failed",
                  {{"update_id", *update_id}});
    }
    audit_.append(
        tx, audit::entry(0, "admin.telegram_retry",
                         update_id ? "update:" + std::to_string(*update_id) : "telegram_updates",
                         {{"retried", n}}));
    return n;
  });
}

}  // namespace lucas::telegram
