#include "infra/telegram/sender.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace lucas::telegram {

Sender::Sender(BotApi& api, const Clock& clock, SenderOptions options)
    : api_(api), clock_(clock), options_(options) {}

Sender::~Sender() {
  stop();
}

void Sender::enqueue(Outgoing message) {
  {
    std::lock_guard lock(mu_);
    chats_[message.chat_id].queue.push_back(std::move(message));
    ++stats_.queued;
  }
  worker_.wake();
}

std::pair<std::string, nlohmann::json> Outgoing::call() const {
  if (!callback_query_id.empty()) {
    nlohmann::json params{{"callback_query_id", callback_query_id}};
    if (!text.empty()) params["text"] = text.substr(0, 200);  // Telegram shows at most 200
    return {"answerCallbackQuery", params};
  }
  nlohmann::json params{{"chat_id", chat_id}, {"text", text}};
  if (!reply_markup.is_null()) params["reply_markup"] = reply_markup;
  if (edit_message_id != 0) {
    params["message_id"] = edit_message_id;
    return {"editMessageText", params};
  }
  if (reply_to_message_id != 0) {
    params["reply_parameters"] = {{"message_id", reply_to_message_id},
                                  {"allow_sending_without_reply", true}};
  }
  return {"sendMessage", params};
}

std::optional<Micros> Sender::due_time(int64_t chat, const ChatState& s, Micros now) const {
  if (s.queue.empty()) return std::nullopt;
  // An answer to a button press posts nothing: only the breaker holds it.
  if (!s.queue.front().callback_query_id.empty()) return std::max(now, breaker_until_);
  Micros due = std::max(now, s.next_allowed);
  if (chat < 0 && static_cast<int>(s.minute_window.size()) >= options_.group_per_minute) {
    due = std::max(due, s.minute_window.front() + 60'000'000);
  }
  if (static_cast<int>(global_window_.size()) >= options_.global_per_second) {
    due = std::max(due, global_window_.front() + 1'000'000);
  }
  return std::max(due, breaker_until_);
}

std::optional<Micros> Sender::pump() {
  std::unique_lock lock(mu_);
  for (;;) {
    const Micros now = clock_.now();
    while (!global_window_.empty() && global_window_.front() + 1'000'000 <= now) {
      global_window_.pop_front();
    }
    // Pick the chat whose head message is due earliest.
    std::optional<Micros> best_due;
    int64_t best_chat = 0;
    for (auto& [chat, s] : chats_) {
      while (!s.minute_window.empty() && s.minute_window.front() + 60'000'000 <= now) {
        s.minute_window.pop_front();
      }
      auto due = due_time(chat, s, now);
      if (due && (!best_due || *due < *best_due)) {
        best_due = due;
        best_chat = chat;
      }
    }
    if (!best_due || *best_due > now) return best_due;

    ChatState& s = chats_[best_chat];
    const auto [method, params] = s.queue.front().call();
    const bool posts = method != "answerCallbackQuery";
    lock.unlock();
    const ApiResult r = api_.call(method, params);
    lock.lock();
    const Micros after = clock_.now();
    // Every attempt counts against the limits: Telegram counts them too.
    if (posts) {
      s.next_allowed = after + options_.per_chat_interval;
      if (best_chat < 0) s.minute_window.push_back(after);
    }
    global_window_.push_back(after);
    if (r.ok) {
      s.queue.pop_front();
      ++stats_.sent;
      consecutive_failures_ = 0;
      stats_.breaker_open = false;
      continue;
    }
    if (r.error_code == 429) {
      ++stats_.rate_limited;
      s.next_allowed = after + static_cast<Micros>(r.retry_after.value_or(1)) * 1'000'000;
      continue;  // only this chat waits; the message stays first in its queue
    }
    const bool transient = r.error_code == 0 || r.error_code >= 500;
    if (!transient) {  // 400 chat not found, 403 blocked by the user, ...
      spdlog::warn("telegram: message to chat {} refused: {} {}", best_chat, r.error_code,
                   r.description);
      s.queue.pop_front();
      ++stats_.dropped;
      continue;
    }
    ++consecutive_failures_;
    Outgoing& head = s.queue.front();
    if (++head.attempts >= options_.max_attempts) {
      spdlog::error("telegram: giving up on a message to chat {} after {} attempts: {}", best_chat,
                    head.attempts, r.description);
      s.queue.pop_front();
      ++stats_.dropped;
    } else {
      s.next_allowed = after + (options_.backoff_base << (head.attempts - 1));
    }
    if (consecutive_failures_ >= options_.breaker_failures) {
      breaker_until_ = after + options_.breaker_open_for;
      stats_.breaker_open = true;
      consecutive_failures_ = 0;
      spdlog::error("telegram: circuit breaker open for {} s",
                    options_.breaker_open_for / 1'000'000);
    }
  }
}

SenderStats Sender::stats() {
  std::lock_guard lock(mu_);
  SenderStats s = stats_;
  s.breaker_open = breaker_until_ > clock_.now();
  return s;
}

void Sender::start() {
  // Sends what is due, then sleeps until the next message is due by the injected clock (at
  // least 1 ms), a second when nothing waits, or until a new message is queued.
  worker_.start({.period = 1'000'000, .run_at_start = true}, [this]() -> std::optional<Micros> {
    const auto next = pump();
    if (!next) return std::nullopt;
    return std::max<Micros>(*next - clock_.now(), 1'000);
  });
}

void Sender::stop() {
  worker_.stop();
}

}  // namespace lucas::telegram
