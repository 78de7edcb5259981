// Durable intake of incoming updates. accept() stores each raw update under its update_id (so
// Telegram's retries, and a second node receiving the same update, never act twice) and wakes
// the worker; the webhook answers at once. The worker handles the stored updates from the
// table, in update_id order:
//   - each in one unit of work that re-reads its row (locked on PostgreSQL; skipped when another
//     node holds or already handled it), runs the handler and marks the update done, so every
//     unit of work the handler opens on this database joins that transaction (db.h, ambient
//     units): the update is handled and marked in one commit or not at all. The handler returns
//     the replies; they go to the sender only after that commit.
//   - A crash between accept and handle loses nothing: the row stays pending and whichever node
//     polls next (every `poll`) handles it. Several nodes may run workers on one PostgreSQL: an
//     update is handled once.
//   - A handler that throws rolls everything back. The attempt and its error are recorded (in a
//     separate unit of work) and the update is retried after a backoff; after `max_attempts` it
//     is marked failed, kept for admins (failed_updates / retry_failed_updates; the console's
//     audited FailedUpdates), and the user gets the failure reply (update_failure_reply,
//     localized; both in failed_updates.h).
//   - Done updates are pruned after a while (prune_updates, a daily job); failed ones are kept.
#pragma once

#include <functional>
#include <optional>
#include <type_traits>
#include <vector>

#include "base/clock.h"
#include "infra/store/db.h"
#include "infra/store/migrate.h"
#include "infra/telegram/bot_api.h"
#include "infra/telegram/sender.h"
#include "infra/telegram/types.h"
#include "infra/worker/worker.h"

namespace lucas::telegram {

store::MigrationSet migrations();

struct UpdateQueueOptions {
  // Pending updates beyond which accept() refuses with SERVICE_UNAVAILABLE (Telegram retries).
  size_t capacity = 10'000;
  int max_attempts = 3;  // failed handler runs before the update is marked failed
  // The delay before retry number 1, 2, ... (the last one repeats).
  std::vector<Micros> backoff = {1'000'000, 5'000'000, 30'000'000};
  Micros poll = 1'000'000;  // the worker also looks at the table this often (real time)
  int batch = 100;          // rows read per query while draining
};

// A stored update that kept failing, kept for admins.
struct FailedUpdate {
  int64_t update_id = 0;
  nlohmann::json raw;
  int64_t attempts = 0;
  std::string last_error;
  Micros received_at = 0;
  Micros failed_at = 0;
};
nlohmann::json to_json(const FailedUpdate& f);

// Failed updates with an id above `after_id`, oldest first, at most `limit`.
std::vector<FailedUpdate> failed_updates(store::Tx& tx, int64_t after_id, int limit);
// Puts failed updates back to pending with a fresh count of attempts, in the caller's
// transaction: the update `id`, or every failed one when `id` is empty. The workers pick them up
// at their next poll. Returns how many.
int64_t retry_failed_updates(store::Tx& tx, std::optional<int64_t> id, Micros now);
// Deletes updates handled before `before`; pending and failed ones are kept. Returns how many.
int64_t prune_updates(store::Database& db, Micros before);

class UpdateQueue {
 public:
  // Handles one update inside its unit of work and returns the replies to send after commit.
  using Handler = std::function<std::vector<Outgoing>(const Update&)>;
  // Where replies go (the throttled Sender in the app).
  using Send = std::function<void(const Outgoing&)>;
  // The reply telling the user their update could not be handled (nullopt: none).
  using FailureReply = std::function<std::optional<Outgoing>(const Update&)>;

  UpdateQueue(store::Database& db, const Clock& clock, Handler handler, Send send = {},
              FailureReply failure_reply = {}, UpdateQueueOptions options = {});
  // A handler with nothing to send may return void.
  template <class F>
  requires std::is_void_v<std::invoke_result_t<F&, const Update&>> UpdateQueue(store::Database& db,
                                                                               const Clock& clock,
                                                                               F handler)
      : UpdateQueue(db, clock, Handler([h = std::move(handler)](const Update& u) mutable {
                      h(u);
                      return std::vector<Outgoing>{};
                    })) {}
  ~UpdateQueue();
  UpdateQueue(const UpdateQueue&) = delete;
  UpdateQueue& operator=(const UpdateQueue&) = delete;

  enum class Accepted { kQueued, kDuplicate };
  // Parses and stores the update, then wakes the worker. INVALID_ARGUMENT for a malformed
  // update (nothing stored), SERVICE_UNAVAILABLE (retry later) when `capacity` updates are
  // pending — Telegram then retries.
  Accepted accept(const nlohmann::json& raw);

  // Handles every pending update that is due now, on the calling thread (the worker, tests,
  // CLI), once each per call in update_id order. Returns how many this call handled.
  int drain();
  void start();  // the worker thread: drain() when woken and every `poll`
  void stop();   // pending updates stay in the table for the next start
  // Pending updates in the table (every node's).
  int64_t pending();

 private:
  bool handle(int64_t update_id);  // false: skipped or failed
  void record_failure(int64_t update_id, const std::string& error);
  void send_all(const std::vector<Outgoing>& replies);
  void wake();

  store::Database& db_;
  const Clock& clock_;
  Handler handler_;
  Send send_;
  FailureReply failure_reply_;
  UpdateQueueOptions options_;
  worker::Worker worker_{"telegram-intake"};  // last: stopped before the members above go
};

// Long polling (for machines without public HTTPS): getUpdates in a loop, each update through
// the same queue. The offset moves past an update once it is stored (or malformed); an update
// the queue cannot take now (full, database down) is fetched again. Runs until stop().
class Poller {
 public:
  Poller(BotApi& api, UpdateQueue& queue) : api_(api), queue_(queue) {}
  ~Poller();
  void start(int timeout_s = 25);
  void stop();
  // One getUpdates round; returns how many updates were accepted (tests). Throws when the
  // queue refused an update (it is fetched again next round).
  int poll_once(int timeout_s);
  int64_t offset() const { return offset_; }

 private:
  BotApi& api_;
  UpdateQueue& queue_;
  int64_t offset_ = 0;
  worker::Worker worker_{"telegram-poll"};  // last: stopped before the members above go
};

}  // namespace lucas::telegram
