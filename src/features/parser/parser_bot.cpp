#include "features/parser/parser_bot.h"

#include <sstream>

#include "base/i18n.h"

namespace lucas::parser {
namespace {

std::optional<int64_t> number(const std::string& s) {
  try {
    size_t used = 0;
    const int64_t v = std::stoll(s, &used);
    if (used == s.size() && v > 0) return v;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

std::string snippet(const std::string& text) {
  // At most ~120 bytes, cut at a UTF-8 boundary, on one line.
  std::string out;
  for (size_t i = 0; i < text.size() && out.size() < 120; ++i) {
    const char c = text[i];
    out += c == '\n' ? ' ' : c;
  }
  while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
  if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
  return out.size() < text.size() ? out + "…" : out;
}

std::string credited(const std::string& lang, const Decision& d) {
  if (d.credit.already_processed) return i18n::text(lang, "review_already_credited");
  if (d.credit.credits.empty()) return i18n::text(lang, "review_nothing_credited");
  return i18n::text(lang, "review_credited", {{"count", std::to_string(d.credit.credits.size())}});
}

std::string label_of(const nlohmann::json& final) {
  return final.value("game", "") + "/" + final.value("kind", "");
}

}  // namespace

std::optional<std::string> review_command(ReviewService& review, const users::User& u,
                                          const std::string& cmd, const std::string& args) {
  const std::string& lang = u.language;
  if (cmd == "/review") {
    const int64_t after = args.empty() ? 0 : number(args).value_or(0);
    constexpr int kPage = 10;
    const auto items = review.list(u.telegram_id, "pending", kPage, after);
    if (items.empty()) return i18n::text(lang, "review_empty");
    std::string out =
        i18n::text(lang, "review_header", {{"count", std::to_string(review.pending_count())}});
    for (const auto& it : items) {
      out += "\n" +
             i18n::text(
                 lang, "review_line",
                 {{"id", std::to_string(it.id)},
                  {"label", it.result.value("game_type", "") + "/" + it.result.value("kind", "")},
                  {"confidence", std::to_string(static_cast<int>(it.confidence * 100))},
                  {"reason", it.reason},
                  {"text", snippet(it.text)}});
    }
    if (static_cast<int>(items.size()) == kPage) {
      out += "\n" + i18n::text(lang, "review_more", {{"next", std::to_string(items.back().id)}});
    }
    return out;
  }
  if (cmd == "/accept") {
    const auto id = number(args);
    if (!id) return i18n::text(lang, "usage_accept");
    const Decision d = review.accept(u.telegram_id, *id);
    return i18n::text(lang, "review_accepted",
                      {{"id", std::to_string(*id)},
                       {"label", label_of(d.item.final)},
                       {"credited", credited(lang, d)}});
  }
  if (cmd == "/correct") {
    std::istringstream in(args);
    std::string id_text, label;
    in >> id_text >> label;
    std::string events;
    std::getline(in, events);
    const auto id = number(id_text);
    const size_t slash = label.find('/');
    if (!id || slash == std::string::npos) return i18n::text(lang, "usage_correct");
    nlohmann::json body{{"game", label.substr(0, slash)}, {"kind", label.substr(slash + 1)}};
    if (events.find_first_not_of(' ') != std::string::npos) {
      body["events"] = nlohmann::json::parse(events, nullptr, false);
      if (body["events"].is_discarded()) {
        throw Error(ErrorCode::kInvalidArgument, "the events are not valid JSON");
      }
    }
    const Decision d = review.correct(u.telegram_id, *id, correction_from_json(body));
    return i18n::text(lang, "review_corrected",
                      {{"id", std::to_string(*id)},
                       {"label", label_of(d.item.final)},
                       {"credited", credited(lang, d)}});
  }
  return std::nullopt;
}

}  // namespace lucas::parser
