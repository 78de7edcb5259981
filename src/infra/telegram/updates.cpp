#include "infra/telegram/updates.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "base/clock.h"
#include "infra/telegram/updates_store.h"

namespace lucas::telegram {
namespace {

// Longest error text kept per update (a stack of nested messages can be long).
constexpr size_t kMaxError = 1000;

std::string clip_error(std::string e) {
  if (e.empty()) return "exception";
  if (e.size() <= kMaxError) return e;
  size_t cut = kMaxError;  // on a UTF-8 character boundary
  while (cut > 0 && (static_cast<unsigned char>(e[cut]) & 0xC0) == 0x80) --cut;
  return e.substr(0, cut) + "…";
}

}  // namespace

nlohmann::json to_json(const FailedUpdate& f) {
  return {{"update_id", f.update_id},
          {"attempts", f.attempts},
          {"last_error", f.last_error},
          {"received_at", format_rfc3339(f.received_at)},
          {"failed_at", format_rfc3339(f.failed_at)},
          {"update", f.raw}};
}

std::vector<FailedUpdate> failed_updates(store::Tx& tx, int64_t after_id, int limit) {
  if (limit < 1 || limit > 1000) {
    throw Error(ErrorCode::kInvalidArgument, "limit must be between 1 and 1000",
                {{"limit", limit}});
  }
  return sql::failed(tx, after_id, limit);
}

int64_t retry_failed_updates(store::Tx& tx, std::optional<int64_t> id, Micros now) {
  return sql::retry_failed(tx, id, now);
}

int64_t prune_updates(store::Database& db, Micros before) {
  return db.transact([&](store::Tx& tx) { return sql::delete_done_before(tx, before); });
}

UpdateQueue::UpdateQueue(store::Database& db, const Clock& clock, Handler handler, Send send,
                         FailureReply failure_reply, UpdateQueueOptions options)
    : db_(db),
      clock_(clock),
      handler_(std::move(handler)),
      send_(std::move(send)),
      failure_reply_(std::move(failure_reply)),
      options_(std::move(options)) {
  if (options_.backoff.empty()) options_.backoff = {1'000'000};
  if (options_.max_attempts < 1) options_.max_attempts = 1;
}

UpdateQueue::~UpdateQueue() {
  stop();
}

void UpdateQueue::wake() {
  worker_.wake();
}

UpdateQueue::Accepted UpdateQueue::accept(const nlohmann::json& raw) {
  Update u;
  try {
    u = parse_update(raw);
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::kInvalidArgument, std::string("not a Telegram update: ") + e.what());
  }
  const bool fresh = db_.transact([&](store::Tx& tx) {
    const int64_t pending = sql::count_pending_up_to(tx, static_cast<int64_t>(options_.capacity));
    if (pending >= static_cast<int64_t>(options_.capacity)) {
      throw Error(ErrorCode::kUnavailable, "too many updates waiting", nullptr, 1);
    }
    const Micros now = clock_.now();
    const bool inserted = sql::insert_pending(
        tx, u.update_id, now, raw.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    if (inserted) tx.after_commit([this] { wake(); });
    return inserted;
  });
  return fresh ? Accepted::kQueued : Accepted::kDuplicate;
}

int UpdateQueue::drain() {
  int handled = 0;
  int64_t after = 0;  // each pending update at most once per call, in update_id order
  while (!worker_.stopping()) {
    const auto due =
        db_.read([&](store::Tx& tx) { return sql::due(tx, after, clock_.now(), options_.batch); });
    if (due.empty()) break;
    for (const int64_t id : due) {
      if (worker_.stopping()) break;
      after = id;
      if (handle(after)) ++handled;
    }
  }
  return handled;
}

bool UpdateQueue::handle(int64_t update_id) {
  std::string error;
  try {
    return db_.transact([&](store::Tx& tx) {
      const auto raw = sql::lock_due(tx, update_id, clock_.now());
      if (!raw) return false;  // another node has it or handled it
      const Update u = parse_update(nlohmann::json::parse(*raw));
      // The handler's own units of work (users, bank, ledger, ...) join this transaction.
      auto replies = handler_(u);
      sql::mark_done(tx, update_id, clock_.now());
      tx.after_commit([this, replies = std::move(replies)] { send_all(replies); });
      return true;
    });
  } catch (const std::exception& e) {
    error = clip_error(e.what());
  }
  record_failure(update_id, error);
  return false;
}

void UpdateQueue::record_failure(int64_t update_id, const std::string& error) {
  try {
    db_.transact([&](store::Tx& tx) {
      const auto row = sql::lock_pending(tx, update_id);
      if (!row) return;  // handled by another node meanwhile
      const int64_t attempts = row->attempts + 1;
      const Micros now = clock_.now();
      if (attempts < options_.max_attempts) {
        const size_t step = std::min(static_cast<size_t>(attempts), options_.backoff.size()) - 1;
        const Micros delay = options_.backoff[step];
        sql::schedule_retry(tx, update_id, attempts, error, now + delay);
        tx.after_commit([update_id, attempts, max = options_.max_attempts, delay, error] {
          spdlog::warn("telegram update {} failed (attempt {} of {}), retried in {} s: {}",
                       update_id, attempts, max, delay / 1'000'000, error);
        });
        return;
      }
      sql::mark_failed(tx, update_id, attempts, error, now);
      std::optional<Outgoing> reply;
      if (failure_reply_) {
        try {
          reply = failure_reply_(parse_update(nlohmann::json::parse(row->raw)));
        } catch (const std::exception& e) {
          spdlog::error("telegram update {}: no failure reply ({})", update_id, e.what());
        }
      }
      tx.after_commit([this, update_id, attempts, error, reply] {
        spdlog::error(
            "telegram update {} failed {} times and is set aside (lucas telegram failed): {}",
            update_id, attempts, error);
        if (reply) send_all({*reply});
      });
    });
  } catch (const std::exception& e) {
    // The row stays pending and due: the next drain tries the update again.
    spdlog::error("telegram update {} failed ({}) and recording it failed too: {}", update_id,
                  error, e.what());
  }
}

void UpdateQueue::send_all(const std::vector<Outgoing>& replies) {
  if (!send_) return;
  for (const auto& r : replies) {
    try {
      send_(r);
    } catch (const std::exception& e) {
      spdlog::error("telegram: queueing a reply to chat {} failed: {}", r.chat_id, e.what());
    }
  }
}

int64_t UpdateQueue::pending() {
  return db_.read([](store::Tx& tx) { return sql::count_pending(tx); });
}

void UpdateQueue::start() {
  // At once: what a previous run, or a node that died, left pending.
  worker_.start({.period = options_.poll, .run_at_start = true}, [this]() -> std::optional<Micros> {
    try {
      drain();
    } catch (const std::exception& e) {
      spdlog::error("telegram: handling updates failed: {}", e.what());
    }
    return std::nullopt;
  });
}

void UpdateQueue::stop() {
  worker_.stop();
}

Poller::~Poller() {
  stop();
}

int Poller::poll_once(int timeout_s) {
  const ApiResult r = api_.call(
      "getUpdates",
      {{"offset", offset_}, {"timeout", timeout_s}, {"allowed_updates", allowed_updates()}});
  if (!r.ok || !r.result.is_array()) {
    if (!r.ok) spdlog::warn("telegram: getUpdates failed: {} {}", r.error_code, r.description);
    return 0;
  }
  int accepted = 0;
  for (const auto& raw : r.result) {
    int64_t id = 0;
    try {
      id = raw.at("update_id").get<int64_t>();
    } catch (const std::exception& e) {
      spdlog::warn("telegram: skipped an update without an update_id: {}", e.what());
      continue;
    }
    try {
      if (queue_.accept(raw) == UpdateQueue::Accepted::kQueued) ++accepted;
    } catch (const Error& e) {
      // Not stored (queue full, database down): the offset stays, Telegram sends it again.
      if (e.code() != ErrorCode::kInvalidArgument) throw;
      spdlog::warn("telegram: skipped a malformed update {}: {}", id, e.what());
    } catch (const std::exception& e) {
      spdlog::warn("telegram: skipped a malformed update {}: {}", id, e.what());
    }
    offset_ = std::max(offset_, id + 1);
  }
  return accepted;
}

void Poller::start(int timeout_s) {
  // Round after round (each a long poll); after a failure, a backoff of 2, 4, ... 30 s.
  worker_.start({.run_at_start = true},
                [this, timeout_s, failures = 0]() mutable -> std::optional<Micros> {
                  try {
                    poll_once(timeout_s);
                    failures = 0;
                    return 0;
                  } catch (const std::exception& e) {
                    spdlog::warn("telegram: polling failed: {}", e.what());
                    ++failures;
                  }
                  return Micros{std::min(30, 1 << std::min(failures, 5))} * 1'000'000;
                });
}

void Poller::stop() {
  worker_.stop();
}

}  // namespace lucas::telegram
