// Wiring the feature modules (app/modules.cpp) into the platform: their services by type, their
// jobs, event subscriptions and bot commands. Their routes are added in register_routes and their
// migrations by all_migrations(modules).
#include "app/app.h"
#include "base/i18n.h"

namespace lucas::app {

void App::wire_modules() {
  services.put(config);
  services.put<Clock>(clock);
  services.put(metrics);
  services.put(*db);
  services.put(*cache);
  services.put(*bus);
  services.put(*outbox);
  services.put(*scheduler);
  services.put(*audit);
  services.put(*limiter);
  services.put(*ledger);
  services.put(*users);
  services.put(*auth);
  services.put(*admin);
  services.put(*bank);
  services.put(*ai_parser);
  services.put(*parser_review);
  services.put(*parser_drift);
  services.put(*leaderboards);
  services.put(*hub);
  services.put(*notifier);
  services.put(*notifications);
  services.put(*web_sessions);
  for (const auto& m : modules) {
    if (m.provider()) m.provider()(services);
  }
  for (const auto& m : modules) {
    module::add_jobs(m, *scheduler, services);
    for (const auto& sub : m.subscriptions()) {
      auto fn = [this, run = sub.run](const events::Event& e) { run(services, e); };
      if (sub.everywhere) {
        outbox->subscribe_everywhere(sub.topic, fn);
      } else {
        outbox->subscribe(sub.topic, fn);
      }
    }
  }
}

void App::add_module_commands(bank::BotOptions& options) {
  for (const auto& m : modules) {
    for (const auto& c : m.commands()) {
      options.commands["/" + c.name] = [this, &c](const users::User& u, const std::string& args,
                                                  bool private_chat) {
        const int rank = static_cast<int>(u.role);
        if (auto key = module::refusal(c, rank, private_chat)) return i18n::text(u.language, *key);
        return c.run(services,
                     module::CommandCall{u.telegram_id, rank, u.language, args, private_chat, 0});
      };
    }
  }
  options.help = [this](const users::User& u) {
    return module::help_lines(modules, static_cast<int>(u.role), u.language);
  };
}

}  // namespace lucas::app
