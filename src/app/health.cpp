// The admin panel's health (features/health): this node's series sampler (every minute, 24 h in
// memory) with the outbox backlog read from the table, and the service over the scheduler, the
// backups (when configured), readiness (the one /readyz answers with) and the rate limiter; the
// live logs' stream and the hub's guard that keeps "admin." topics to admins.
#include "app/app.h"
#include "infra/events/outbox_store.h"

namespace lucas::app {

void App::setup_health() {
  health_sampler = std::make_unique<health::Sampler>(metrics, clock, [this] {
    const int64_t backlog = db->read([](store::Tx& tx) { return events::sql::count_pending(tx); });
    return std::vector<telemetry::SeriesValue>{
        {"outbox.backlog", telemetry::SeriesKind::kGauge, static_cast<double>(backlog)}};
  });
  health = std::make_unique<health::HealthService>(
      *db, *users, *audit, clock, *scheduler, backups.get(), *health_sampler,
      [this] { return readiness(); }, limiter.get(), health::Options{.node = node_id});
  // The live logs: this node's lines to the admins subscribed to "admin.logs" (and only admins).
  log_stream = std::make_unique<health::LogStream>(log_ring(), *hub, clock, node_id,
                                                   health::LogStream::Options{});
  hub->set_topic_guard(health::admin_topic_guard(*users));
}

}  // namespace lucas::app
