// `lucas bot set-webhook|delete-webhook|set-commands`: pointing Telegram at this platform and
// publishing the command menus the modules declare.
#include <iostream>

#include "app/app.h"
#include "app/console.h"

namespace lucas::app {
namespace {

bool token_set(const module::CliRun& run) {
  if (!run.config().telegram_token.empty()) return true;
  std::cerr << "lucas: telegram.token is not set (LUCAS_TELEGRAM_TOKEN)\n";
  return false;
}

int answer(const telegram::ApiResult& r) {
  if (!r.ok) {
    std::cerr << "lucas: Telegram refused: " << r.error_code << " " << r.description << "\n";
    return 1;
  }
  std::cout << "ok\n";
  return 0;
}

int set_webhook(const module::CliRun& run) {
  if (!token_set(run)) return 2;
  std::string base = run.option("url");
  if (base.rfind("https://", 0) != 0) {
    std::cerr << "lucas: the webhook URL must start with https://\n";
    return 2;
  }
  if (run.config().telegram_webhook_secret.empty()) {
    std::cerr << "lucas: telegram.webhook_secret is not set (LUCAS_TELEGRAM_WEBHOOK_SECRET)\n";
    return 2;
  }
  while (!base.empty() && base.back() == '/') base.pop_back();
  App& app = run.open().get<App>();
  return answer(
      app.bot_api->call("setWebhook", {{"url", base + app.webhook_path()},
                                       {"secret_token", run.config().telegram_webhook_secret},
                                       {"allowed_updates", telegram::allowed_updates()}}));
}

int delete_webhook(const module::CliRun& run) {
  if (!token_set(run)) return 2;
  App& app = run.open().get<App>();
  return answer(app.bot_api->call("deleteWebhook", {{"drop_pending_updates", false}}));
}

int set_commands(const module::CliRun& run) {
  App& app = run.open().get<App>();
  std::cout << "published " << app.publish_bot_commands() << " command menus\n";
  return 0;
}

}  // namespace

void register_bot_cli(module::Module& m) {
  m.cli_group({{"bot"}, "Telegram bot administration"})
      .cli({{"bot", "set-webhook"},
            "point Telegram at URL (our public base URL)",
            {{"url", "public https base URL, e.g. https://bank.example.org", true}},
            set_webhook})
      .cli({{"bot", "delete-webhook"}, "stop webhook delivery", {}, delete_webhook})
      .cli({{"bot", "set-commands"},
            "publish the command menus (ru, en, and each admin's) from the modules",
            {},
            set_commands});
}

}  // namespace lucas::app
