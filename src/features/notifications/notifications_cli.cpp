#include "features/notifications/notifications_cli.h"

#include <iostream>

#include "base/config.h"
#include "features/notifications/notifications.h"
#include "features/users/users.h"

namespace lucas::notifications {

void register_cli(module::Module& m) {
  m.cli_group({{"ws"}, "WebSocket tools"})
      .cli({{"ws", "token"},
            "issue a short-lived WebSocket token for a user (audited; prints token and URL)",
            {{"--user", "Telegram id of the user", true}},
            [](const module::CliRun& run) {
              const int64_t user = run.integer("--user", 1);
              auto& s = run.open();
              if (!s.get<users::UserService>().find(user)) {
                std::cerr << "lucas: no user " << user << "\n";
                return 1;
              }
              const auto t = s.get<NotificationService>().issue_token(user, "cli", "");
              std::cout << nlohmann::json{{"token", t.token},
                                          {"expires_at", format_rfc3339(t.expires_at)},
                                          {"url", websocket_url(run.config().public_url)}}
                               .dump()
                        << "\n";
              return 0;
            }});
}

}  // namespace lucas::notifications
