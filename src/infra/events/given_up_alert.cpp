#include "infra/events/given_up_alert.h"

#include "base/i18n.h"

namespace lucas::events {

std::string given_up_alert_text(const std::string& language, const std::vector<GivenUp>& given_up,
                                int64_t total) {
  const auto& first = given_up.front();
  std::string error = first.last_error;
  if (error.size() > 200) {  // cut on a UTF-8 character boundary
    size_t cut = 200;
    while (cut > 0 && (static_cast<unsigned char>(error[cut]) & 0xC0) == 0x80) --cut;
    error = error.substr(0, cut) + "…";
  }
  return i18n::text(language, "outbox_given_up_alert",
                    {{"count", std::to_string(given_up.size())},
                     {"attempts", std::to_string(first.attempts)},
                     {"id", std::to_string(first.event.id)},
                     {"topic", first.event.topic},
                     {"error", error},
                     {"total", std::to_string(total)}});
}

bool GivenUpAlert::alert(const std::vector<GivenUp>& given_up) {
  if (given_up.empty()) return false;
  {
    std::lock_guard lock(mu_);
    const Micros now = clock_.now();
    if (alerted_at_ && now - *alerted_at_ < kQuiet) return false;
    alerted_at_ = now;
  }
  const int64_t total = total_();
  tell_admins_(
      [&](const std::string& language) { return given_up_alert_text(language, given_up, total); });
  return true;
}

}  // namespace lucas::events
