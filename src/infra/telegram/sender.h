// Outgoing messages within Telegram's limits: 1 message/s per chat, 20/min per group, 30/s
// overall. A 429 pauses only the chat it names (retry_after); 5xx and network failures are
// retried with exponential backoff; repeated failures open a circuit breaker for a while.
#pragma once

#include <nlohmann/json.hpp>

#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "base/clock.h"
#include "infra/telegram/bot_api.h"
#include "infra/worker/worker.h"

namespace lucas::telegram {

// What the bot sends: a message (sendMessage), or the new text of one of its own messages
// (editMessageText, `edit_message_id`), or the answer to a button press (answerCallbackQuery,
// `callback_query_id`: `text`, if any, is shown to the presser as a notice). An answer does not
// post to the chat, so the chat's pacing does not hold it back.
struct Outgoing {
  Outgoing() = default;
  Outgoing(int64_t chat, std::string message_text, int64_t reply_to = 0, int tried = 0)
      : chat_id(chat),
        text(std::move(message_text)),
        reply_to_message_id(reply_to),
        attempts(tried) {}

  int64_t chat_id = 0;
  std::string text;
  int64_t reply_to_message_id = 0;
  int attempts = 0;
  nlohmann::json reply_markup = nullptr;  // an inline keyboard, or null
  int64_t edit_message_id = 0;
  std::string callback_query_id;

  // The Bot API method and its parameters.
  std::pair<std::string, nlohmann::json> call() const;
};

struct SenderOptions {
  Micros per_chat_interval = 1'000'000;  // 1 message per second per chat
  int group_per_minute = 20;             // groups (negative chat ids)
  int global_per_second = 30;
  int max_attempts = 5;
  Micros backoff_base = 500'000;  // doubled per failed attempt
  int breaker_failures = 5;       // consecutive failures that open the breaker
  Micros breaker_open_for = 30'000'000;
};

struct SenderStats {
  int64_t sent = 0;
  int64_t dropped = 0;  // gave up after max_attempts or a permanent (4xx) refusal
  int64_t rate_limited = 0;
  int64_t queued = 0;
  bool breaker_open = false;
};

class Sender {
 public:
  Sender(BotApi& api, const Clock& clock, SenderOptions options = {});
  ~Sender();

  void enqueue(Outgoing message);
  // Sends every message that is due now, within the limits. Returns when the next one will be
  // due (nullopt: nothing queued). The worker thread calls it; tests call it with a ManualClock.
  std::optional<Micros> pump();
  SenderStats stats();

  void start();  // worker thread (serve mode)
  void stop();

 private:
  struct ChatState {
    std::deque<Outgoing> queue;
    Micros next_allowed = 0;
    std::deque<Micros> minute_window;  // groups
  };
  std::optional<Micros> due_time(int64_t chat, const ChatState& s, Micros now) const;

  BotApi& api_;
  const Clock& clock_;
  SenderOptions options_;
  std::mutex mu_;
  std::map<int64_t, ChatState> chats_;
  std::deque<Micros> global_window_;
  int consecutive_failures_ = 0;
  Micros breaker_until_ = 0;
  SenderStats stats_;
  worker::Worker worker_{"telegram-send"};  // last: stopped before the members above go
};

}  // namespace lucas::telegram
