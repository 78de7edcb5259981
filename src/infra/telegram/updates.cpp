#include "infra/telegram/updates.h"

#include <spdlog/spdlog.h>

#include "base/clock.h"

namespace lucas::telegram {
namespace {

using store::Value;

// Longest error text kept per update (a stack of nested messages can be long).
constexpr size_t kMaxError = 1000;

std::string clip_error(std::string e) {
  if (e.empty()) return "exception";
  if (e.size() <= kMaxError) return e;
  size_t cut = kMaxError;  // on a UTF-8 character boundary
  while (cut > 0 && (static_cast<unsigned char>(e[cut]) & 0xC0) == 0x80) --cut;
  return e.substr(0, cut) + "…";
}

// Row lock for the update being handled; on PostgreSQL a row another node is handling right now
// is skipped (that node handles it, or records its failure).
std::string lock_clause(const store::Tx& tx) {
  return tx.engine() == store::Engine::kPostgres ? " FOR UPDATE SKIP LOCKED" : "";
}

}  // namespace

store::MigrationSet migrations() {
  return {"telegram",
          {{1, "seen updates",
            "CREATE TABLE telegram_updates (update_id BIGINT PRIMARY KEY,"
            " received_at BIGINT NOT NULL);"},
           // Durable intake: the raw update is kept until handled; updates recorded before this
           // were already handled (or lost) and become done.
           {2, "durable intake",
            "ALTER TABLE telegram_updates ADD COLUMN raw TEXT;"
            "ALTER TABLE telegram_updates ADD COLUMN status TEXT NOT NULL DEFAULT 'pending';"
            "ALTER TABLE telegram_updates ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;"
            "ALTER TABLE telegram_updates ADD COLUMN last_error TEXT;"
            "ALTER TABLE telegram_updates ADD COLUMN next_attempt_at BIGINT;"
            "ALTER TABLE telegram_updates ADD COLUMN done_at BIGINT;"
            "UPDATE telegram_updates SET status = 'done', done_at = received_at;"
            "CREATE INDEX telegram_updates_due ON telegram_updates (update_id)"
            " WHERE status = 'pending';"
            "CREATE INDEX telegram_updates_done ON telegram_updates (done_at)"
            " WHERE status = 'done';"}}};
}

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
  const auto rows = tx.exec(
      "SELECT update_id, raw, attempts, COALESCE(last_error, ''), received_at, done_at"
      " FROM telegram_updates WHERE status = 'failed' AND update_id > $1"
      " ORDER BY update_id LIMIT $2",
      {Value{after_id}, Value{int64_t{limit}}});
  std::vector<FailedUpdate> out;
  for (const auto& row : rows.rows) {
    out.push_back(FailedUpdate{
        row.i64(0), nlohmann::json::parse(row.opt_str(1).value_or("null"), nullptr, false),
        row.i64(2), row.str(3), row.i64(4), row.opt_i64(5).value_or(0)});
  }
  return out;
}

int64_t retry_failed_updates(store::Tx& tx, std::optional<int64_t> id, Micros now) {
  const std::string sql =
      "UPDATE telegram_updates SET status = 'pending', attempts = 0, next_attempt_at = $1,"
      " done_at = NULL WHERE status = 'failed'";
  return id ? tx.exec(sql + " AND update_id = $2", {Value{now}, Value{*id}}).affected
            : tx.exec(sql, {Value{now}}).affected;
}

int64_t prune_updates(store::Database& db, Micros before) {
  return db.transact([&](store::Tx& tx) {
    return tx
        .exec("DELETE FROM telegram_updates WHERE status = 'done' AND done_at < $1",
              {Value{before}})
        .affected;
  });
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
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  wake_.notify_one();
}

UpdateQueue::Accepted UpdateQueue::accept(const nlohmann::json& raw) {
  Update u;
  try {
    u = parse_update(raw);
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::kInvalidArgument, std::string("not a Telegram update: ") + e.what());
  }
  const bool fresh = db_.transact([&](store::Tx& tx) {
    const int64_t pending =
        tx.exec(
              "SELECT COUNT(*) FROM (SELECT 1 FROM telegram_updates WHERE status = 'pending'"
              " LIMIT $1) AS p",
              {Value{static_cast<int64_t>(options_.capacity)}})
            .one()
            .i64(0);
    if (pending >= static_cast<int64_t>(options_.capacity)) {
      throw Error(ErrorCode::kUnavailable, "too many updates waiting", nullptr, 1);
    }
    const Micros now = clock_.now();
    const bool inserted =
        !tx.exec(
               "INSERT INTO telegram_updates (update_id, received_at, raw, status, attempts,"
               " next_attempt_at) VALUES ($1, $2, $3, 'pending', 0, $2)"
               " ON CONFLICT (update_id) DO NOTHING RETURNING update_id",
               {Value{u.update_id}, Value{now},
                Value{raw.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)}})
             .empty();
    if (inserted) tx.after_commit([this] { wake(); });
    return inserted;
  });
  return fresh ? Accepted::kQueued : Accepted::kDuplicate;
}

int UpdateQueue::drain() {
  int handled = 0;
  int64_t after = 0;  // each pending update at most once per call, in update_id order
  while (!stopping_) {
    const auto due = db_.read([&](store::Tx& tx) {
      return tx.exec(
          "SELECT update_id FROM telegram_updates WHERE status = 'pending' AND update_id > $1"
          " AND next_attempt_at <= $2 ORDER BY update_id LIMIT $3",
          {Value{after}, Value{clock_.now()}, Value{int64_t{options_.batch}}});
    });
    if (due.empty()) break;
    for (const auto& row : due.rows) {
      if (stopping_) break;
      after = row.i64(0);
      if (handle(after)) ++handled;
    }
  }
  return handled;
}

bool UpdateQueue::handle(int64_t update_id) {
  std::string error;
  try {
    return db_.transact([&](store::Tx& tx) {
      const auto row = tx.exec(
          "SELECT raw FROM telegram_updates WHERE update_id = $1"
          " AND status = 'pending' AND next_attempt_at <= $2" +
              lock_clause(tx),
          {Value{update_id}, Value{clock_.now()}});
      if (row.empty()) return false;  // another node has it or handled it
      const Update u = parse_update(nlohmann::json::parse(row.one().str(0)));
      // The handler's own units of work (users, bank, ledger, ...) join this transaction.
      auto replies = handler_(u);
      tx.exec(
          "UPDATE telegram_updates SET status = 'done', attempts = attempts + 1, done_at = $1,"
          " next_attempt_at = NULL WHERE update_id = $2",
          {Value{clock_.now()}, Value{update_id}});
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
      const auto row = tx.exec(
          "SELECT raw, attempts FROM telegram_updates WHERE update_id = $1"
          " AND status = 'pending'" +
              std::string(tx.for_update()),
          {Value{update_id}});
      if (row.empty()) return;  // handled by another node meanwhile
      const int64_t attempts = row.one().i64(1) + 1;
      const Micros now = clock_.now();
      if (attempts < options_.max_attempts) {
        const size_t step = std::min(static_cast<size_t>(attempts), options_.backoff.size()) - 1;
        const Micros delay = options_.backoff[step];
        tx.exec(
            "UPDATE telegram_updates SET attempts = $1, last_error = $2, next_attempt_at = $3"
            " WHERE update_id = $4",
            {Value{attempts}, Value{error}, Value{now + delay}, Value{update_id}});
        tx.after_commit([update_id, attempts, max = options_.max_attempts, delay, error] {
          spdlog::warn("telegram update {} failed (attempt {} of {}), retried in {} s: {}",
                       update_id, attempts, max, delay / 1'000'000, error);
        });
        return;
      }
      tx.exec(
          "UPDATE telegram_updates SET status = 'failed', attempts = $1, last_error = $2,"
          " next_attempt_at = NULL, done_at = $3 WHERE update_id = $4",
          {Value{attempts}, Value{error}, Value{now}, Value{update_id}});
      std::optional<Outgoing> reply;
      if (failure_reply_) {
        try {
          reply = failure_reply_(parse_update(nlohmann::json::parse(row.one().str(0))));
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
  return db_.read([](store::Tx& tx) {
    return tx.exec("SELECT COUNT(*) FROM telegram_updates WHERE status = 'pending'").one().i64(0);
  });
}

void UpdateQueue::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  woken_ = true;  // what a previous run, or a node that died, left pending
  thread_ = std::thread([this] {
    for (;;) {
      {
        std::unique_lock lock(mu_);
        wake_.wait_for(lock, std::chrono::microseconds(options_.poll),
                       [this] { return woken_ || stopping_; });
        if (stopping_) return;
        woken_ = false;
      }
      try {
        drain();
      } catch (const std::exception& e) {
        spdlog::error("telegram: handling updates failed: {}", e.what());
      }
    }
  });
}

void UpdateQueue::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Poller::~Poller() {
  stop();
}

int Poller::poll_once(int timeout_s) {
  const ApiResult r = api_.call("getUpdates", {{"offset", offset_},
                                               {"timeout", timeout_s},
                                               {"allowed_updates", {"message", "edited_message"}}});
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
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this, timeout_s] {
    int failures = 0;
    while (!stopping_) {
      const int before = failures;
      try {
        poll_once(timeout_s);
        failures = 0;
      } catch (const std::exception& e) {
        spdlog::warn("telegram: polling failed: {}", e.what());
        ++failures;
      }
      if (failures > before) {
        std::this_thread::sleep_for(std::chrono::seconds(std::min(30, 1 << std::min(failures, 5))));
      }
    }
  });
}

void Poller::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

}  // namespace lucas::telegram
