#include "infra/events/outbox.h"

#include <spdlog/spdlog.h>

namespace lucas::events {

store::MigrationSet migrations() {
  return {"events",
          {{1, "outbox",
            "CREATE TABLE outbox ("
            " id {{id}}, topic TEXT NOT NULL, payload TEXT NOT NULL,"
            " created_at BIGINT NOT NULL, dispatched_at BIGINT);"
            "CREATE INDEX outbox_pending ON outbox (dispatched_at, id);"}}};
}

Outbox::~Outbox() {
  stop();
}

void Outbox::publish(store::Tx& tx, const std::string& topic, const nlohmann::json& payload) {
  tx.exec("INSERT INTO outbox (topic, payload, created_at) VALUES ($1, $2, $3)",
          {store::Value{topic}, store::Value{payload.dump()}, store::Value{clock_.now()}});
  tx.after_commit([this] {
    {
      std::lock_guard lock(wake_mu_);
      pending_ = true;
    }
    wake_.notify_one();
  });
}

void Outbox::subscribe(const std::string& topic, Subscriber s) {
  std::lock_guard lock(subs_mu_);
  subs_[topic].push_back(std::move(s));
}

int Outbox::drain() {
  std::lock_guard drain_lock(drain_mu_);
  int total = 0;
  for (;;) {
    auto batch = db_.read([](store::Tx& tx) {
      return tx.exec(
          "SELECT id, topic, payload, created_at FROM outbox WHERE dispatched_at IS NULL"
          " ORDER BY id LIMIT 200");
    });
    if (batch.empty()) return total;
    std::vector<store::Value> ids;
    for (const auto& row : batch.rows) {
      Event ev{row.i64(0), row.str(1), nlohmann::json::parse(row.str(2), nullptr, false),
               row.i64(3)};
      std::vector<Subscriber> targets;
      {
        std::lock_guard lock(subs_mu_);
        for (const std::string& key : {ev.topic, std::string("*")}) {
          auto it = subs_.find(key);
          if (it != subs_.end())
            targets.insert(targets.end(), it->second.begin(), it->second.end());
        }
      }
      for (auto& s : targets) {
        try {
          s(ev);
        } catch (const std::exception& e) {
          spdlog::error("event {} ({}) subscriber failed: {}", ev.id, ev.topic, e.what());
        }
      }
      ids.emplace_back(ev.id);
    }
    // Mark exactly the dispatched ids: on PostgreSQL a lower id can commit after a higher one,
    // so a range update could skip an event that was not yet visible.
    db_.transact([&](store::Tx& tx) {
      const store::Value now{clock_.now()};
      for (const auto& id : ids) {
        tx.exec("UPDATE outbox SET dispatched_at = $1 WHERE id = $2", {now, id});
      }
    });
    total += static_cast<int>(ids.size());
  }
}

void Outbox::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  pending_ = true;  // replay whatever a previous run left behind
  thread_ = std::thread([this] {
    for (;;) {
      {
        std::unique_lock lock(wake_mu_);
        wake_.wait(lock, [this] { return pending_ || stopping_; });
        if (stopping_ && !pending_) return;
        pending_ = false;
      }
      try {
        drain();
      } catch (const std::exception& e) {
        spdlog::error("outbox dispatch failed: {}", e.what());
      }
    }
  });
}

void Outbox::stop() {
  {
    std::lock_guard lock(wake_mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

}  // namespace lucas::events
