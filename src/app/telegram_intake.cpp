// The composition root's side of the durable Telegram intake: the failure reply, and the
// console's list and retry of failed updates (audited; the commands are in app/ops_cli.cpp).

#include "app/app.h"
#include "base/i18n.h"

namespace lucas::app {

std::optional<telegram::Outgoing> update_failure_reply(const telegram::Update& update) {
  if (!update.message || update.message->chat.id == 0) return std::nullopt;
  const auto& m = *update.message;
  const std::string_view lang = i18n::language_for(m.from ? m.from->language_code : "");
  return telegram::Outgoing{m.chat.id, i18n::text(lang, "update_failed"), m.message_id, 0};
}

std::vector<telegram::FailedUpdate> App::failed_updates(int64_t after_id, int limit) {
  return db->transact([&](store::Tx& tx) {
    auto found = telegram::failed_updates(tx, after_id, limit);
    audit->append(tx, audit::entry(0, "admin.telegram_failed_list", "telegram_updates",
                                   {{"after_id", after_id}, {"returned", found.size()}}));
    return found;
  });
}

int64_t App::retry_updates(std::optional<int64_t> update_id) {
  return db->transact([&](store::Tx& tx) {
    const int64_t n = telegram::retry_failed_updates(tx, update_id, clock.now());
    if (update_id && n == 0) {
      throw Error(ErrorCode::kNotFound,
                  "telegram update " + std::to_string(*update_id) + " is not failed",
                  {{"update_id", *update_id}});
    }
    audit->append(
        tx, audit::entry(0, "admin.telegram_retry",
                         update_id ? "update:" + std::to_string(*update_id) : "telegram_updates",
                         {{"retried", n}}));
    return n;
  });
}

}  // namespace lucas::app
