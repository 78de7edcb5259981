#include "features/notifications/notifications_module.h"

#include "base/config.h"
#include "features/notifications/notifications_bot.h"
#include "features/notifications/notifications_cli.h"
#include "features/notifications/notifications_http.h"
#include "features/notifications/notifications_store.h"
#include "features/users/users_module.h"
#include "infra/http/api_documents.h"
#include "infra/telegram/direct.h"

namespace lucas::notifications {

void register_module(module::Module& m) {
  m.api(http::api_document(
      "notifications"));  // notifications_api.json: its routes in the OpenAPI document
  register_cli(m);
  m.migrations(migrations)
      .provide([](module::Services& s) {
        s.put(std::make_unique<Inbox>(s.get<store::Database>(), s.get<realtime::Notifier>(),
                                      s.get<Clock>()));
      })
      .routes([](http::Router& router, module::Services& s) {
        register_http(router, s.get<NotificationService>(), s.get<Inbox>(),
                      s.get<Config>().public_url);
      })
      // Features' private bot messages (infra/telegram/direct.h), sent once the transaction that
      // decided them has committed; nothing when the bot is off.
      .subscribe({std::string(telegram::kDirectTopic), false,
                  [](module::Services& s, const events::Event& e) {
                    auto* sender = s.find<telegram::Sender>();
                    if (sender == nullptr) return;
                    const auto message = telegram::direct_of(e.payload);
                    if (const auto u = s.get<users::UserService>().find(message.user)) {
                      sender->enqueue(telegram::render_direct(message, u->language));
                    }
                  }})
      .command({"web", "help_cmd_web", module::Who::kEveryone, module::Where::kAnywhere,
                users::user_command([](module::Services& s) {
                  return web_command(s.get<NotificationService>(), s.get<Config>().public_url);
                })});
}

}  // namespace lucas::notifications
