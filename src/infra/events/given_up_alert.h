// The admins' alert about events the outbox gave up (outbox.h): the text in the admin's language,
// and at most one alert per 10 minutes of clock time (`lucas outbox given-up` lists them all).
// Who the admins are and how they are told is the caller's (the app: over Telegram).
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "infra/events/outbox.h"

namespace lucas::events {

// The alert in `language`, naming the first event (its error cut to 200 bytes on a UTF-8
// character boundary), how many this dispatch gave up and how many are set aside in all.
std::string given_up_alert_text(const std::string& language, const std::vector<GivenUp>& given_up,
                                int64_t total);

class GivenUpAlert {
 public:
  // A text made in one language ("ru", "en", ...).
  using LocalizedText = std::function<std::string(const std::string& language)>;
  // Tells every admin the text in their language.
  using TellAdmins = std::function<void(const LocalizedText& text)>;
  static constexpr Micros kQuiet = 600'000'000;  // 10 minutes between two alerts

  // `total` counts every given-up event (Outbox::given_up_count).
  GivenUpAlert(const Clock& clock, std::function<int64_t()> total, TellAdmins tell_admins)
      : clock_(clock), total_(std::move(total)), tell_admins_(std::move(tell_admins)) {}

  // Tells the admins about `given_up` (Outbox::on_given_up), unless it is empty or the last
  // alert was less than kQuiet ago. Returns whether it told them.
  bool alert(const std::vector<GivenUp>& given_up);

 private:
  const Clock& clock_;
  std::function<int64_t()> total_;
  TellAdmins tell_admins_;
  std::mutex mu_;
  std::optional<Micros> alerted_at_;
};

}  // namespace lucas::events
