#include "infra/events/outbox.h"

#include <spdlog/spdlog.h>

#include "base/ids.h"
#include "infra/events/outbox_store.h"
#include "infra/telemetry/metrics.h"

namespace lucas::events {
namespace {

nlohmann::json to_json(const Event& ev) {
  return {{"id", ev.id}, {"topic", ev.topic}, {"payload", ev.payload}, {"at", ev.created_at}};
}

}  // namespace

nlohmann::json to_json(const GivenUp& g) {
  return {{"id", g.event.id},
          {"topic", g.event.topic},
          {"payload", g.event.payload},
          {"created_at", format_rfc3339(g.event.created_at)},
          {"attempts", g.attempts},
          {"last_error", g.last_error},
          {"given_up_at", format_rfc3339(g.given_up_at)}};
}

Outbox::Outbox(store::Database& db, const Clock& clock, OutboxOptions options)
    : db_(db), clock_(clock), options_(std::move(options)), bus_(options_.bus) {
  if (bus_ == nullptr) {
    own_bus_ = std::make_unique<LocalBus>();
    bus_ = own_bus_.get();
  }
  node_id_ = options_.node_id.empty() ? random_hex(8) : options_.node_id;
  if (auto* m = options_.metrics) {
    dispatched_ = &m->counter("lucas_outbox_dispatched_total",
                              "Outbox events dispatched to once-subscribers by this node.");
    const std::string help = "Outbox events reaching this node's everywhere-subscribers.";
    delivered_ = &m->counter("lucas_outbox_everywhere_total", help, {{"what", "delivered"}});
    duplicates_ = &m->counter("lucas_outbox_everywhere_total", help, {{"what", "duplicate"}});
    caught_up_ = &m->counter("lucas_outbox_everywhere_total", help, {{"what", "caught_up"}});
    retried_ = &m->counter("lucas_outbox_retries_total",
                           "Outbox events left pending for a retry: a once-subscriber threw.");
    failed_ = &m->counter("lucas_outbox_failed_total",
                          "Outbox events given up after max_attempts failed dispatches.");
    m->gauge("lucas_outbox_given_up", "Given-up outbox events waiting for an admin's retry.",
             [this] { return static_cast<double>(given_up_count_.load()); });
  }
  bus_subscriptions_.push_back(bus_->subscribe(
      kOutboxChannel, [this](const std::string&, const std::string& m) { on_bus_message(m); }));
  bus_subscriptions_.push_back(bus_->on_gap([this] { wake(); }));
}

Outbox::~Outbox() {
  stop();
  for (int64_t id : bus_subscriptions_) bus_->unsubscribe(id);
}

void Outbox::wake() {
  worker_.wake();
}

void Outbox::publish(store::Tx& tx, const std::string& topic, const nlohmann::json& payload) {
  const Micros now = clock_.now();
  const int64_t id = sql::insert(tx, topic, payload, now);
  tx.after_commit([this, ev = Event{id, topic, payload, now}] {
    // This node's everywhere-subscribers see the change before the committing call returns
    // (read-your-writes here); other nodes get it from the dispatcher through the bus.
    deliver_everywhere(ev);
    wake();
  });
}

void Outbox::subscribe(const std::string& topic, Subscriber s) {
  std::lock_guard lock(subs_mu_);
  subs_[topic].push_back(std::move(s));
}

void Outbox::subscribe_everywhere(const std::string& topic, Subscriber s) {
  std::lock_guard lock(subs_mu_);
  everywhere_[topic].push_back(std::move(s));
}

std::vector<Subscriber> Outbox::targets(std::map<std::string, std::vector<Subscriber>>& subs,
                                        const std::string& topic) {
  std::vector<Subscriber> out;
  std::lock_guard lock(subs_mu_);
  for (const std::string& key : {topic, std::string("*")}) {
    auto it = subs.find(key);
    if (it != subs.end()) out.insert(out.end(), it->second.begin(), it->second.end());
  }
  return out;
}

bool Outbox::deliver_everywhere(const Event& ev) {
  std::lock_guard lock(everywhere_mu_);
  if (!seen_.insert(ev.id).second) {
    if (duplicates_ != nullptr) duplicates_->inc();
    return false;
  }
  // Remember the latest ids only (a replay comes within claim_ttl, catch-up within lookback).
  while (seen_.size() > options_.remember) seen_.erase(seen_.begin());
  if (delivered_ != nullptr) delivered_->inc();
  for (auto& s : targets(everywhere_, ev.topic)) {
    try {
      s(ev);
    } catch (const std::exception& e) {
      spdlog::error("event {} ({}) everywhere-subscriber failed: {}", ev.id, ev.topic, e.what());
    }
  }
  return true;
}

void Outbox::on_bus_message(const std::string& message) {
  const auto j = nlohmann::json::parse(message, nullptr, false);
  if (j.is_discarded() || !j.contains("id") || !j["id"].is_number_integer()) {
    spdlog::warn("outbox: ignoring a malformed bus message");
    return;
  }
  deliver_everywhere(Event{j["id"].get<int64_t>(), j.value("topic", std::string()),
                           j.value("payload", nlohmann::json()), j.value("at", int64_t{0})});
}

Micros Outbox::backoff(int64_t attempts) const {
  Micros delay = options_.retry_backoff;
  for (int64_t i = 1; i < attempts && delay < options_.retry_backoff_max; ++i) delay *= 2;
  return std::min(delay, options_.retry_backoff_max);
}

int Outbox::drain() {
  std::lock_guard drain_lock(drain_mu_);
  int total = 0;
  for (;;) {
    const Micros now = clock_.now();
    struct Claimed {
      Event ev;
      int64_t attempts = 0;  // failed dispatches before this one
      std::string error;     // the first once-subscriber error of this dispatch
    };
    auto batch = db_.transact([&](store::Tx& tx) {
      std::vector<Claimed> claimed;
      for (auto& c : sql::claim(tx, node_id_, now, now + options_.claim_ttl, options_.batch)) {
        claimed.push_back(Claimed{std::move(c.ev), c.attempts, {}});
      }
      return claimed;
    });
    if (batch.empty()) return total;
    // Every node first (the bus delivers here too), then the once-subscribers. A retried event is
    // published again; everywhere-subscribers drop the repeat by its id.
    for (const auto& c : batch) bus_->publish(kOutboxChannel, to_json(c.ev).dump());
    for (auto& c : batch) {
      for (auto& s : targets(subs_, c.ev.topic)) {
        try {
          s(c.ev);
        } catch (const std::exception& e) {
          spdlog::error("event {} ({}) subscriber failed (attempt {}): {}", c.ev.id, c.ev.topic,
                        c.attempts + 1, e.what());
          if (c.error.empty()) c.error = e.what()[0] != 0 ? e.what() : "exception";
        }
      }
    }
    // Mark exactly the dispatched ids: on PostgreSQL a lower id can commit after a higher one,
    // so a range update could skip an event that was not yet visible.
    int done = 0, retried = 0;
    std::vector<GivenUp> given_up;
    db_.transact([&](store::Tx& tx) {
      done = retried = 0;
      given_up.clear();
      const Micros at = clock_.now();
      for (const auto& c : batch) {
        const int64_t attempts = c.attempts + 1;
        if (c.error.empty()) {
          sql::mark_dispatched(tx, c.ev.id, at);
          ++done;
        } else if (attempts >= options_.max_attempts) {
          sql::mark_given_up(tx, c.ev.id, at, attempts, c.error);
          given_up.push_back(GivenUp{c.ev, attempts, c.error, at});
        } else {
          sql::schedule_retry(tx, c.ev.id, at + backoff(attempts), attempts, c.error);
          ++retried;
        }
      }
    });
    for (const auto& g : given_up) {
      spdlog::error("event {} ({}) given up after {} failed dispatches: {}", g.event.id,
                    g.event.topic, g.attempts, g.last_error);
    }
    if (dispatched_ != nullptr) dispatched_->inc(done);
    if (retried_ != nullptr) retried_->inc(retried);
    if (failed_ != nullptr) failed_->inc(static_cast<int64_t>(given_up.size()));
    if (!given_up.empty()) {
      count_given_up();
      if (on_given_up_) {
        try {
          on_given_up_(given_up);
        } catch (const std::exception& e) {
          spdlog::error("outbox: the given-up handler failed: {}", e.what());
        }
      }
    }
    total += done;
  }
}

int Outbox::catch_up() {
  int64_t from = 0;
  {
    std::lock_guard lock(everywhere_mu_);
    if (watermark_ < 0) {
      watermark_ = db_.read([](store::Tx& tx) { return sql::max_id(tx); });
      return 0;
    }
    from = std::max<int64_t>(0, watermark_ - options_.lookback);
  }
  int delivered = 0;
  for (;;) {
    const auto events = db_.read([&](store::Tx& tx) { return sql::events_after(tx, from); });
    for (const Event& ev : events) {
      from = ev.id;
      bool fresh = false;
      {
        std::lock_guard lock(everywhere_mu_);
        fresh = seen_.count(ev.id) == 0;
      }
      if (fresh && deliver_everywhere(ev)) {
        if (caught_up_ != nullptr) caught_up_->inc();
        ++delivered;
      }
    }
    {
      std::lock_guard lock(everywhere_mu_);
      watermark_ = std::max(watermark_, from);
    }
    if (events.size() < sql::kEventsAfterLimit) return delivered;
  }
}

int64_t Outbox::prune(Micros before) {
  return db_.transact([&](store::Tx& tx) { return sql::delete_dispatched_before(tx, before); });
}

std::vector<GivenUp> Outbox::given_up(store::Tx& tx, int64_t after_id, int limit) {
  return sql::given_up(tx, after_id, limit);
}

int64_t Outbox::retry(store::Tx& tx, std::optional<int64_t> id) {
  const int64_t n = sql::retry_given_up(tx, id);
  if (n > 0) {
    tx.after_commit([this] {
      count_given_up();
      wake();
    });
  }
  return n;
}

void Outbox::count_given_up() {
  try {
    given_up_count_ = db_.read([](store::Tx& tx) { return sql::count_given_up(tx); });
  } catch (const std::exception& e) {
    spdlog::warn("outbox: counting given-up events failed: {}", e.what());
  }
}

void Outbox::start() {
  if (worker_.running()) return;
  count_given_up();
  try {
    catch_up();  // sets the starting point
  } catch (const std::exception& e) {
    spdlog::error("outbox catch-up failed: {}", e.what());
  }
  // A first round at once replays whatever a previous run (or a dead node) left behind; events
  // committed just before stop() are still dispatched.
  worker::Options o{.period = options_.poll, .run_at_start = true, .final_round_if_woken = true};
  worker_.start(o, [this, counted_at = clock_.now()]() mutable -> std::optional<Micros> {
    try {
      drain();
    } catch (const std::exception& e) {
      spdlog::error("outbox dispatch failed: {}", e.what());
    }
    try {
      catch_up();
    } catch (const std::exception& e) {
      spdlog::error("outbox catch-up failed: {}", e.what());
    }
    // Another node may have given events up or retried them: recount now and then.
    if (clock_.now() - counted_at >= 30'000'000) {
      count_given_up();
      counted_at = clock_.now();
    }
    return std::nullopt;
  });
}

void Outbox::stop() {
  worker_.stop();
}

}  // namespace lucas::events
