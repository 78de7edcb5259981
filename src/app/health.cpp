// The admin panel's health (features/health): this node's series sampler (every minute, 24 h in
// memory) with the outbox backlog read from the table, and the service over the scheduler, the
// backups (when configured), readiness (the one /readyz answers with) and the rate limiter.
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
      [this] { return readiness(); }, limiter.get());
}

}  // namespace lucas::app
