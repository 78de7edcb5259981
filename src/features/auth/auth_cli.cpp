#include "features/auth/auth_cli.h"

#include <iostream>

#include "features/auth/auth.h"

namespace lucas::auth {
namespace {

std::optional<std::vector<std::string>> scopes_option(const module::CliRun& run) {
  const std::string& text = run.option("--scope");
  if (text.empty()) return std::nullopt;
  return users::parse_scopes(text);
}

// Runs `action` on the opened platform, then hands the audit entries its events carry to the log.
template <typename Action>
int with_auth(const module::CliRun& run, Action action) {
  auto& s = run.open();
  action(s.get<AuthService>());
  s.get<events::Outbox>().drain();
  return 0;
}

}  // namespace

void register_cli(module::Module& m) {
  const auto console = users::Actor::console_operator();
  m.cli_group({{"client"}, "API clients (OAuth 2.0 client credentials)"})
      .cli({{"client", "create"},
            "a client for a user (secret shown once)",
            {{"--user", "Telegram id of the user it acts as", true},
             {"--name", "what the client is", true},
             {"--scope",
              "space-separated scopes (default: profile:read balance:read history:read; GET "
              "/api/v1/oauth/scopes lists them)"}},
            [console](const module::CliRun& run) {
              const int64_t user = run.integer("--user", 1);
              const auto scopes = scopes_option(run);
              return with_auth(run, [&](AuthService& auth) {
                const auto c = auth.create_client(console, user, run.option("--name"), scopes);
                std::cout
                    << "client_id     " << c.client.client_id << "\nclient_secret " << c.secret
                    << "\nscope         " << users::join_scopes(c.client.scopes)
                    << "\n(the secret is shown only now; trade both at POST /api/v1/oauth/token)\n";
              });
            }})
      .cli({{"client", "list"},
            "a user's clients",
            {{"--user", "Telegram id", true}},
            [console](const module::CliRun& run) {
              const int64_t user = run.integer("--user", 1);
              return with_auth(run, [&](AuthService& auth) {
                for (const auto& c : auth.clients(console, user)) {
                  std::cout << to_json(c).dump() << "\n";
                }
              });
            }})
      .cli({{"client", "revoke"},
            "revoke a client and its tokens",
            {{"client_id", "lc_...", true}},
            [console](const module::CliRun& run) {
              return with_auth(run, [&](AuthService& auth) {
                auth.revoke_client(console, run.option("client_id"));
                std::cout << "revoked " << run.option("client_id") << "\n";
              });
            }})
      .cli_group({{"token"}, "access tokens"})
      .cli({{"token", "create"},
            "an access token for a user, for scripts and tests",
            {{"--user", "Telegram id", true},
             {"--ttl-s", "lifetime in seconds", false, "3600"},
             {"--scope", "space-separated scopes (default: full access)"}},
            [](const module::CliRun& run) {
              const int64_t user = run.integer("--user", 1);
              const int64_t ttl = run.integer("--ttl-s", 1);
              const auto scopes = scopes_option(run);
              return with_auth(run, [&](AuthService& auth) {
                std::cout << auth.issue_console_token(user, ttl, scopes).token << "\n";
              });
            }});
}

}  // namespace lucas::auth
