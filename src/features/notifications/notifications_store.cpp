#include "features/notifications/notifications_store.h"

namespace lucas::notifications {

store::MigrationSet migrations() {
  return {"notifications",
          {{1, "read markers",
            R"(
CREATE TABLE notification_reads (
  user_id BIGINT PRIMARY KEY REFERENCES users (telegram_id),
  up_to_id BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
)"}}};
}

namespace sql {

using store::Value;

int64_t read_marker(store::Tx& tx, int64_t user_id) {
  const auto r =
      tx.exec("SELECT up_to_id FROM notification_reads WHERE user_id = $1", {Value{user_id}});
  return r.empty() ? 0 : r.one().i64(0);
}

int64_t advance_marker(store::Tx& tx, int64_t user_id, int64_t up_to_id, Micros now) {
  tx.exec(
      "INSERT INTO notification_reads (user_id, up_to_id, updated_at) VALUES ($1, $2, $3)"
      " ON CONFLICT (user_id) DO UPDATE SET up_to_id = excluded.up_to_id,"
      " updated_at = excluded.updated_at"
      " WHERE excluded.up_to_id > notification_reads.up_to_id",
      {Value{user_id}, Value{up_to_id}, Value{now}});
  return read_marker(tx, user_id);
}

}  // namespace sql
}  // namespace lucas::notifications
