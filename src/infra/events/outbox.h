// Domain events through a transactional outbox. publish() writes the event into the caller's
// transaction: a rolled-back transaction publishes nothing, a committed one is never lost. After
// commit, events are dispatched to two kinds of subscribers.
//
// ONCE for the whole platform — subscribe(): effects that must happen once however many nodes run
// (audit entries, leaderboard scores, anything that writes to the database).
//   - Every node runs a dispatcher. It claims a batch of pending events in the database
//     (claimed_by/claimed_until, selected with FOR UPDATE SKIP LOCKED on PostgreSQL so two nodes
//     never claim the same rows; SQLite's write lock does the same for processes on one file),
//     runs the subscribers, then marks the events dispatched.
//   - At least once: an event stays pending until a node marks it. A node that dies after the
//     commit and before dispatching, or while holding a claim, loses nothing: its claim expires
//     after `claim_ttl` (clock time) and whichever node dispatches next replays the event.
//   - Exactly once unless a node dies between running the subscribers and marking the batch (or a
//     batch outlives claim_ttl). Subscribers that write to the database must therefore be
//     idempotent by event id (the audit log is: it records "event:<id>" and skips a repeat).
//   - In id order within a batch; batches of different nodes may interleave.
//
// On EVERY node — subscribe_everywhere(): effects local to a node (pushing to its WebSocket
// clients, dropping entries from its in-process cache). Each event reaches the everywhere-
// subscribers of every node, once per node (deduplicated by event id):
//   - at commit: on the node (process) that committed the event, right after the commit and
//     before the committing call returns, on the committing thread;
//   - live: the node that claims an event publishes it on the Bus (Redis pub/sub across nodes,
//     in-process otherwise) before its once-subscribers run, so delivery does not wait for them;
//   - catch-up: every node also reads the events committed since the last one it read, every
//     `poll` and at once after a bus gap, so an event whose bus message was lost (Redis down, a
//     node reconnecting, another process such as a CLI command on the same database) still
//     arrives, late. On PostgreSQL ids can commit out of order; catch-up re-reads the last
//     `lookback` ids to cover that, and the live path covers the rest.
//   - An event may reach everywhere-subscribers before the once-subscribers have run, and order
//     across nodes is not guaranteed. Everywhere-subscribers must be quick and must not write
//     to the database: they run on the committing thread, the bus thread or the dispatcher
//     thread, one event at a time.
// A throwing subscriber is logged and does not stop the others. A once-subscriber that throws
// leaves its event pending: the event is retried (all its once-subscribers run again, so they
// must be idempotent) after a backoff that doubles from `retry_backoff` up to `retry_backoff_max`,
// without holding up the events after it; the attempts and the last error are kept in the table.
// After `max_attempts` the event is given up: set aside with its error kept (never pruned, as the
// audit entry or score it should have produced never happened), logged as an error, counted in
// lucas_outbox_failed_total and shown by the gauge lucas_outbox_given_up. An admin lists such
// events and, once the cause is fixed, puts them back with retry(). Everywhere-subscribers are
// not retried.
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/clock.h"
#include "infra/events/bus.h"
#include "infra/store/db.h"
#include "infra/store/migrate.h"
#include "infra/worker/worker.h"

namespace lucas::telemetry {
class Counter;
class Registry;
}  // namespace lucas::telemetry

namespace lucas::events {

struct Event {
  int64_t id = 0;
  std::string topic;  // "ledger.transfer", ...
  nlohmann::json payload;
  Micros created_at = 0;
};

using Subscriber = std::function<void(const Event&)>;

// An event whose once-subscribers kept failing.
struct GivenUp {
  Event event;
  int64_t attempts = 0;
  std::string last_error;
  Micros given_up_at = 0;
};
nlohmann::json to_json(const GivenUp& g);

store::MigrationSet migrations();

// The bus channel that carries outbox events between nodes.
inline constexpr const char* kOutboxChannel = "outbox";

struct OutboxOptions {
  Bus* bus = nullptr;   // null: an in-process bus of its own (one node)
  std::string node_id;  // empty: a random one
  telemetry::Registry* metrics = nullptr;
  Micros claim_ttl = 60'000'000;  // a dead node's claim is replayed after this
  Micros poll = 1'000'000;        // the dispatcher's period (claims and catch-up)
  int batch = 100;
  int lookback = 200;                // ids catch-up re-reads behind the highest it has read
  size_t remember = 100'000;         // ids remembered for deduplication (the latest)
  int max_attempts = 10;             // a once-subscriber failing this often gives the event up
  Micros retry_backoff = 1'000'000;  // the first retry's delay, doubled each time ...
  Micros retry_backoff_max = 300'000'000;  // ... up to this
};

class Outbox {
 public:
  Outbox(store::Database& db, const Clock& clock, OutboxOptions options = {});
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // Records an event in the caller's transaction; after commit, delivers it to this node's
  // everywhere-subscribers and wakes the dispatcher.
  void publish(store::Tx& tx, const std::string& topic, const nlohmann::json& payload);

  // Once for the platform (see above). "*" receives every topic.
  void subscribe(const std::string& topic, Subscriber s);
  // Once per node (see above). "*" receives every topic.
  void subscribe_everywhere(const std::string& topic, Subscriber s);

  // Claims and dispatches everything pending now; returns how many events this call dispatched.
  int drain();
  // Delivers to this node's everywhere-subscribers the events committed since the last catch-up
  // that they have not received yet; returns how many. The first call only sets the starting
  // point (a node does not replay history from before it started).
  int catch_up();
  // Deletes events dispatched before `before` (a job on the leader); returns how many. Given-up
  // events are kept.
  int64_t prune(Micros before);

  // Given-up events with an id above `after_id`, oldest first, at most `limit`.
  std::vector<GivenUp> given_up(store::Tx& tx, int64_t after_id, int limit);
  // Puts given-up events back to pending with a fresh count of attempts, in the caller's
  // transaction (the dispatcher runs them after commit): the event `id`, or every one when
  // `id` is empty. Returns how many.
  int64_t retry(store::Tx& tx, std::optional<int64_t> id);
  // Given-up events in the table (read at start, after this node gives up or retries, and every
  // 30 s by the dispatcher thread, for what other nodes did).
  int64_t given_up_count() const { return given_up_count_.load(); }
  // Called on the node that gave them up, after the commit, with the events one dispatch gave up
  // (the app alerts the admins). Set before start().
  using GivenUpHandler = std::function<void(const std::vector<GivenUp>&)>;
  void on_given_up(GivenUpHandler h) { on_given_up_ = std::move(h); }

  const std::string& node_id() const { return node_id_; }

  // Background dispatcher thread (serve mode): drain() and catch_up() after every commit of this
  // process, after a bus gap, and every `poll`.
  void start();
  void stop();

 private:
  bool deliver_everywhere(const Event& ev);  // false for a duplicate
  void on_bus_message(const std::string& message);
  std::vector<Subscriber> targets(std::map<std::string, std::vector<Subscriber>>& subs,
                                  const std::string& topic);
  void wake();
  Micros backoff(int64_t attempts) const;  // the delay before retry number `attempts`
  void count_given_up();

  store::Database& db_;
  const Clock& clock_;
  OutboxOptions options_;
  std::unique_ptr<Bus> own_bus_;
  Bus* bus_;
  std::string node_id_;
  std::vector<int64_t> bus_subscriptions_;

  std::mutex subs_mu_;
  std::map<std::string, std::vector<Subscriber>> subs_;
  std::map<std::string, std::vector<Subscriber>> everywhere_;

  std::mutex drain_mu_;
  std::mutex everywhere_mu_;  // held while everywhere-subscribers run
  std::set<int64_t> seen_;    // the latest ids delivered here
  int64_t watermark_ = -1;    // catch-up has read every committed id up to here (-1: not started)

  telemetry::Counter* dispatched_ = nullptr;
  telemetry::Counter* delivered_ = nullptr;
  telemetry::Counter* duplicates_ = nullptr;
  telemetry::Counter* caught_up_ = nullptr;
  telemetry::Counter* retried_ = nullptr;
  telemetry::Counter* failed_ = nullptr;
  std::atomic<int64_t> given_up_count_{0};
  GivenUpHandler on_given_up_;

  worker::Worker worker_{"outbox"};  // last: stopped before the members above go
};

}  // namespace lucas::events
