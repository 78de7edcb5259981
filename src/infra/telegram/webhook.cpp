#include "infra/telegram/webhook.h"

#include "base/ids.h"

namespace lucas::telegram {

std::string webhook_path(const std::string& bot_token) {
  return "/telegram/webhook/" + sha256_hex("lucas-webhook:" + bot_token).substr(0, 32);
}

void register_webhook(http::Router& router, const std::string& bot_token, std::string secret,
                      UpdateQueue& updates) {
  router.add(
      "POST", webhook_path(bot_token),
      [secret = std::move(secret), &updates](const http::Request& req) {
        // Serving refuses to start without a secret; should one be missing anyway,
        // nothing passes.
        if (secret.empty() ||
            !equal_constant_time(req.header("x-telegram-bot-api-secret-token"), secret)) {
          throw Error(ErrorCode::kUnauthorized, "bad webhook secret");
        }
        const auto body = nlohmann::json::parse(req.body, nullptr, false);
        if (body.is_discarded()) {
          throw Error(ErrorCode::kInvalidArgument, "the body is not JSON");
        }
        updates.accept(body);  // stored; handled on the update workers
        return http::Response::json(200, {{"ok", true}});
      },
      http::RouteOptions{.undocumented = true});  // Telegram's own; its path is a secret
}

}  // namespace lucas::telegram
