// The web app's wiring: where its files are, its Content-Security-Policy, its sessions' settings.
#include <spdlog/spdlog.h>

#include <filesystem>

#include "app/app.h"

namespace lucas::app {

std::string web_dir(const Config& config) {
  if (!config.web_dir.empty()) return config.web_dir;
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "web";
  const auto beside = exe.parent_path() / "web";
  const auto installed = exe.parent_path() / ".." / "share" / "lucas" / "web";
  for (const auto& dir : {beside, installed}) {
    if (std::filesystem::is_regular_file(dir / "index.html", ec))
      return dir.lexically_normal().string();
  }
  return beside.string();
}

std::string web_csp(const Config& config) {
  // ws:// and wss:// of our own host, spelled out: older engines do not match them by 'self'.
  std::string host = config.public_url.substr(config.public_url.find("://") + 3);
  host = host.substr(0, host.find('/'));
  std::string csp =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      "font-src 'self'; connect-src 'self' ws://" +
      host + " wss://" + host +
      "; manifest-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; "
      "form-action 'self'; frame-ancestors 'self' https://web.telegram.org";
  if (!config.web_login_domain.empty()) csp += "; frame-src https://oauth.telegram.org";
  return csp;
}

void App::setup_web() {
  sessions::Options o;
  o.bot_token = config.telegram_token;  // vouches for Mini App and widget sign-ins
  o.public_url = config.public_url;
  o.widget_enabled = !config.web_login_domain.empty();
  o.init_data_max_age = int64_t{config.web_init_data_max_age_s} * 1'000'000;
  o.idle = int64_t{config.web_session_idle_days} * 86'400'000'000;
  o.limiter = limiter.get();  // failed sign-ins per IP
  web_sessions = std::make_unique<sessions::SessionService>(*db, *users, clock, audit.get(), o);
  scheduler->add("sessions.prune", jobs::Schedule::daily(4, 20),
                 [this](const jobs::Run&) { web_sessions->prune(); });
  web_site = std::make_unique<http::StaticSite>(web_dir(config), web_csp(config));
  if (!web_site->loaded()) {
    spdlog::warn("web app: no index.html in {}: / answers 404 until scripts/build-web.sh builds it",
                 web_site->dir());
  }
}

}  // namespace lucas::app
