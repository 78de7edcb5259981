#include "app/admin_cli.h"

#include <iostream>

#include "app/app.h"
#include "base/secret_file.h"

namespace lucas::app::admin_cli {

int ban(const Config& config, int64_t user, const std::string& reason, const std::string& until) {
  std::optional<Micros> end;
  if (!until.empty()) {
    end = parse_rfc3339(until);
    if (!end) {
      std::cerr << "lucas: invalid --until '" << until
                << "': expected 2026-12-31 or 2026-12-31T10:00:00Z\n";
      return 2;
    }
  }
  App app(config);
  app.migrate();
  const auto u = app.users->ban(0, user, reason, end);
  app.outbox->drain();  // serving nodes close the user's WebSocket connections on catch-up
  std::cout << users::to_json(u).dump() << "\n";
  return 0;
}

int unban(const Config& config, int64_t user) {
  App app(config);
  app.migrate();
  const auto u = app.users->unban(0, user);
  app.outbox->drain();
  std::cout << users::to_json(u).dump() << "\n";
  return 0;
}

int keygen(const std::string& kind, const std::string& path) {
  const std::string secret = kind == "backup" ? backup::new_key_hex() : audit::new_seed_hex();
  write_secret_file(path, secret + "\n");
  if (kind == "backup") {
    std::cout << "backup key written to " << path << " (keep a copy off this machine)\n";
  } else {
    std::cout << "public key " << audit::signing_key_from_seed_hex(secret).public_key_hex << "\n";
  }
  return 0;
}

}  // namespace lucas::app::admin_cli
