#include "infra/telegram/mini_app.h"

namespace lucas::telegram {

std::optional<std::string> mini_app_url(std::string_view public_url) {
  constexpr std::string_view kScheme = "https://";
  if (public_url.substr(0, kScheme.size()) != kScheme) return std::nullopt;
  while (!public_url.empty() && public_url.back() == '/') public_url.remove_suffix(1);
  if (public_url.size() <= kScheme.size()) return std::nullopt;  // "https://" and no host
  return std::string(public_url) + "/";
}

}  // namespace lucas::telegram
