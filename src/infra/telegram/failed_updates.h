// What happens to a Telegram update that failed every attempt (infra/telegram/updates.h): the
// user is told in their language (update_failure_reply, the UpdateQueue's failure reply), and the
// console lists the failed updates and puts them back for the workers (FailedUpdates), each action
// audited with actor 0, the operator (`lucas telegram failed|retry`).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "base/clock.h"
#include "infra/audit/audit.h"
#include "infra/store/db.h"
#include "infra/telegram/sender.h"
#include "infra/telegram/types.h"
#include "infra/telegram/updates.h"

namespace lucas::telegram {

// The reply to a Telegram update that failed every attempt: in the sender's language (Russian by
// default), to the chat it came from; nullopt when there is no message to answer.
std::optional<Outgoing> update_failure_reply(const Update& update);

class FailedUpdates {
 public:
  FailedUpdates(store::Database& db, audit::AuditLog& audit, const Clock& clock)
      : db_(db), audit_(audit), clock_(clock) {}

  // Updates that failed every attempt, oldest first after `after_id` (at most `limit`, 1-1000;
  // INVALID_ARGUMENT otherwise). Audited ("admin.telegram_failed_list").
  std::vector<FailedUpdate> list(int64_t after_id, int limit);
  // Puts failed updates back for the update workers: the one `update_id`, or all when it is
  // empty; NOT_FOUND when that one is not failed. Returns how many. Audited
  // ("admin.telegram_retry").
  int64_t retry(std::optional<int64_t> update_id);

 private:
  store::Database& db_;
  audit::AuditLog& audit_;
  const Clock& clock_;
};

}  // namespace lucas::telegram
