// Wiring the feature modules (app/modules.cpp) into the platform: their services by type, their
// jobs and event subscriptions. Their routes are added in register_routes, their bot commands and
// triggers go to the Telegram front door, and their migrations come from all_migrations(modules).
#include "app/app.h"
#include "infra/telegram/mini_app.h"

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
  services.put(*health);
  // The composition root itself, for the console commands app/ declares (features cannot see it).
  services.put(*this);
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

int App::publish_bot_commands() {
  if (!front_door) {
    throw Error(ErrorCode::kInvalidArgument,
                "the bot is off: set telegram.token (LUCAS_TELEGRAM_TOKEN) and telegram.mode");
  }
  std::vector<telegram::Asker> admins;
  for (const auto& u : users->admins()) {
    admins.push_back({u.telegram_id, static_cast<int>(u.role), u.language, std::nullopt});
  }
  int published = 0;
  for (const auto& call : front_door->command_menus(admins)) {
    const auto r = bot_api->call("setMyCommands", call);
    if (!r.ok) {
      throw Error(
          ErrorCode::kUnavailable, "setMyCommands failed: " + r.description,
          {{"scope", call.value("scope", nlohmann::json("default"))}, {"published", published}});
    }
    ++published;
  }
  // Inside Telegram the menu button opens the web app — a Mini App only opens over https.
  if (const auto app_url = telegram::mini_app_url(config.public_url)) {
    const auto r = bot_api->call(
        "setChatMenuButton",
        {{"menu_button",
          {{"type", "web_app"}, {"text", "Lucas"}, {"web_app", {{"url", *app_url}}}}}});
    if (!r.ok) {
      throw Error(ErrorCode::kUnavailable, "setChatMenuButton failed: " + r.description,
                  {{"published", published}});
    }
    ++published;
  }
  return published;
}

}  // namespace lucas::app
