#include "app/modules.h"

#include "app/console.h"

#include "features/admin/admin_module.h"
#include "features/auth/auth_module.h"
#include "features/bank/bank_module.h"
#include "features/economy/economy_module.h"
#include "features/health/health_module.h"
#include "features/leaderboards/leaderboards_module.h"
#include "features/legacy/legacy_module.h"
#include "features/notifications/notifications_module.h"
#include "features/parser/parser_module.h"
#include "features/review/review_module.h"
#include "features/sessions/sessions_module.h"
#include "features/users/users_module.h"
#include "infra/audit/audit.h"
#include "infra/events/outbox.h"
#include "infra/jobs/jobs.h"
#include "infra/realtime/notifier.h"
#include "infra/telegram/updates.h"
#include "ledger/ledger.h"

namespace lucas::app {

void register_console(module::Module& m) {
  register_ops_cli(m);
  register_audit_cli(m);
  register_backup_cli(m);
  register_bot_cli(m);
  register_parser_cli(m);
}

Registrations default_registrations() {
  return {
      {"console", &register_console},
      {"users", &users::register_module},
      {"auth", &auth::register_module},
      {"admin", &admin::register_module},
      {"health", &health::register_module},
      {"bank", &bank::register_module},
      {"legacy", &legacy::register_module},
      {"leaderboards", &leaderboards::register_module},
      {"parser", &parser::register_module},
      {"review", &review::register_module},
      {"notifications", &notifications::register_module},
      {"sessions", &sessions::register_module},
      {"economy", &economy::register_module},
  };
}

std::vector<module::Module> default_modules() {
  return module::declare(default_registrations());
}

std::vector<store::MigrationSet> all_migrations(const std::vector<module::Module>& modules) {
  std::vector<store::MigrationSet> sets = {events::migrations(), jobs::migrations(),
                                           audit::migrations(),  telegram::migrations(),
                                           ledger::migrations(), realtime::migrations()};
  for (const auto& m : modules) {
    if (m.migration_set()) sets.push_back(m.migration_set()());
  }
  return sets;
}

std::vector<store::MigrationSet> all_migrations() {
  return all_migrations(default_modules());
}

}  // namespace lucas::app
