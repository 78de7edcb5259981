#include "features/parser/parser.h"

#include <array>

#include "features/parser/text.h"

namespace lucas::parser {
namespace {

using text::after_marker;
using text::amount_at;
using text::contains;
using text::lines;
using text::trim;

using Lines = std::vector<std::string_view>;

std::optional<std::string> owned(std::string_view s) {
  return std::string(s);
}

ParseResult result(const char* game, const char* kind, std::vector<Event> events = {}) {
  return ParseResult{game, kind, std::move(events)};
}

bool any_of(std::string_view s, std::initializer_list<std::string_view> markers) {
  for (auto m : markers) {
    if (contains(s, m)) return true;
  }
  return false;
}

// The value after `marker` on the first line that carries it (after a decoration prefix).
std::optional<std::string_view> field(const Lines& ls, std::string_view marker) {
  for (auto line : ls) {
    if (auto v = after_marker(line, marker)) return v;
  }
  return std::nullopt;
}

void add(std::vector<Event>& out, std::optional<std::string> player,
         std::optional<std::string> amount, const char* currency, const char* type) {
  out.push_back(Event{std::move(player), std::move(amount), currency, type});
}

// ---------------------------------------------------------------- GD Cards

std::optional<ParseResult> gd_cards(std::string_view t, const Lines& ls) {
  if (contains(t, "\xF0\x9F\x83\x8F НОВАЯ КАРТА \xF0\x9F\x83\x8F")) {  // 🃏 НОВАЯ КАРТА 🃏
    std::vector<Event> ev;
    std::optional<std::string> player;
    if (auto p = field(ls, "Игрок:")) player = owned(trim(*p));
    if (auto v = field(ls, "Очки:")) {
      if (auto a = amount_at(*v)) add(ev, player, a, "points", "accrual");
    }
    auto orbs = field(ls, "Орбы за дроп:");
    if (!orbs) orbs = field(ls, "Орбы:");
    if (orbs) {
      if (auto a = amount_at(*orbs)) add(ev, player, a, "orbs", "accrual");
    }
    return result("gd_cards", "card_drop", std::move(ev));
  }
  for (auto line : ls) {
    const size_t at = line.find(" открыл сундук и получил ");
    if (at != line.npos && contains(line, " орб")) {
      std::string_view name = trim(line.substr(0, at));
      if (name.substr(0, 4) == "\xF0\x9F\x8E\x81") name = trim(name.substr(4));  // 🎁
      std::vector<Event> ev;
      if (auto a =
              amount_at(line.substr(at + std::string_view(" открыл сундук и получил ").size()))) {
        add(ev, owned(name), a, "orbs", "accrual");
      }
      return result("gd_cards", "chest", std::move(ev));
    }
  }
  if (auto v = field(ls, "Вы успешно продали карты и получили ")) {
    std::vector<Event> ev;
    if (auto a = amount_at(*v)) add(ev, std::nullopt, a, "orbs", "accrual");
    return result("gd_cards", "orb_sale", std::move(ev));
  }
  if (!ls.empty()) {
    if (auto nick = after_marker(ls.front(), "ПРОФИЛЬ ")) {
      std::vector<Event> ev;
      const auto player = owned(trim(*nick));
      if (auto v = field(ls, "Очки:")) {
        if (auto a = amount_at(*v)) add(ev, player, a, "points", "balance");
      }
      if (auto v = field(ls, "Орбы:")) {
        if (auto a = amount_at(*v)) add(ev, player, a, "orbs", "balance");
      }
      return result("gd_cards", "profile", std::move(ev));
    }
  }
  if (any_of(t, {"Следующая карта будет доступна через", "Сундук будет доступен через",
                 "Вы достигли дневного лимита карт", "Слишком быстро"})) {
    return result("gd_cards", "cooldown");
  }
  if ((!ls.empty() && after_marker(ls.front(), "КОЛЛЕКЦИЯ ")) ||
      any_of(t, {"в ЛС: @gdcardsBot", "Я - @gdcards", "Ты собрал все",
                 "Выдача карты уже выполняется", "Открыть карту /card"})) {
    return result("gd_cards", "other");
  }
  return std::nullopt;
}

// ---------------------------------------------------------------- Shmalala

std::optional<ParseResult> shmalala(std::string_view t, const Lines& ls) {
  if (contains(t, "[Рыбалка]")) {
    std::vector<Event> ev;
    std::optional<std::string> player;
    if (auto p = field(ls, "Рыбак:")) player = owned(trim(*p));
    if (auto v = field(ls, "Монеты:")) {
      if (auto a = amount_at(*v)) add(ev, player, a, "coins", "accrual");
    }
    return result("shmalala", "fishing", std::move(ev));
  }
  // Karma: the named user, up to the final "." of the line.
  auto karma = [&](std::string_view marker, const char* amount,
                   const char* kind) -> std::optional<ParseResult> {
    for (auto line : ls) {
      const size_t at = line.find(marker);
      if (at == line.npos) continue;
      std::string_view name = trim(line.substr(at + marker.size()));
      if (!name.empty() && name.back() == '.') name.remove_suffix(1);
      std::vector<Event> ev;
      add(ev, owned(trim(name)), std::string(amount), "karma", "accrual");
      return result("shmalala", kind, std::move(ev));
    }
    return std::nullopt;
  };
  if (auto r = karma("Лайк! Вы повысили рейтинг пользователя ", "1", "karma_like")) return r;
  if (auto r = karma("Дизлайк! Вы понизили карму пользователю ", "-1", "karma_dislike")) return r;
  if (!ls.empty() && trim(ls.front()).rfind("[Самые ", 0) == 0 &&
      contains(ls.front(), "в этом чате]")) {
    return result("shmalala", "top_list");
  }
  if (contains(t, "вы слишком часто меняете рейтинг")) return result("shmalala", "cooldown");
  if (any_of(t,
             {"Вот тебе анекдот:", "Карма пользователя:", "меня зовут Shmalala", "[Настройки]"})) {
    return result("shmalala", "other");
  }
  return std::nullopt;
}

// ---------------------------------------------------------------- True Mafia and Bunker RP

// "👤 <name>" profile block: money with gems (True Mafia) or crystals (Bunker RP).
void profile_balances(const Lines& ls, const std::optional<std::string>& player,
                      const char* second_marker, const char* second_currency,
                      std::vector<Event>& ev) {
  if (auto v = field(ls, "Деньги:")) {
    if (auto a = amount_at(*v)) add(ev, player, a, "money", "balance");
  }
  if (auto v = field(ls, second_marker)) {
    if (auto a = amount_at(*v)) add(ev, player, a, second_currency, "balance");
  }
}

std::optional<std::string> profile_name(const Lines& ls) {
  if (auto p = field(ls, "\xF0\x9F\x91\xA4 ")) return owned(trim(*p));  // 👤
  return std::nullopt;
}

std::optional<ParseResult> true_mafia(std::string_view t, const Lines& ls) {
  if (contains(t, "Игра окончена!") && contains(t, "Победители:")) {
    std::vector<Event> ev;
    bool in_winners = false;
    for (auto line : ls) {
      const auto trimmed = trim(line);
      if (trimmed.substr(0, std::string_view("Победители:").size()) == "Победители:") {
        in_winners = true;
        continue;
      }
      if (!in_winners) continue;
      if (trimmed.substr(0, std::string_view("Остальные участники:").size()) ==
              "Остальные участники:" ||
          trimmed.substr(0, std::string_view("Игра длилась").size()) == "Игра длилась") {
        break;
      }
      const size_t dash = line.find(" - ");
      if (dash != line.npos)
        add(ev, owned(trim(line.substr(0, dash))), std::nullopt, "money", "win");
    }
    return result("true_mafia", "game_end", std::move(ev));
  }
  const std::string_view reward = "тебе начислили \xF0\x9F\x92\xB5 ";  // 💵
  if (const size_t at = t.find(reward); at != t.npos) {
    std::vector<Event> ev;
    const auto player = profile_name(ls);
    if (auto a = amount_at(t.substr(at + reward.size()))) add(ev, player, a, "money", "accrual");
    profile_balances(ls, player, "Камни:", "gems", ev);
    return result("true_mafia", "game_reward", std::move(ev));
  }
  if (profile_name(ls) && field(ls, "Деньги:") && field(ls, "Камни:")) {
    std::vector<Event> ev;
    profile_balances(ls, profile_name(ls), "Камни:", "gems", ev);
    return result("true_mafia", "profile", std::move(ev));
  }
  if (any_of(t, {"Игра не запущена!", "Мафия выбрала жертву", "наказать виноватых",
                 "Солнце всходит", "Наступает ночь", "Игра начинается!", " проголосовал за ",
                 "@TrueMafiaNews", "Недостаточно игроков для начала игры", "Голосование окончено",
                 "Вы точно хотите линчевать", "этой ночью все выжили", "вышел на ночное дежурство",
                 "Сегодня был жестоко убит", "Результаты голосования:", "Регистрация отменена",
                 "Игра отменена", "Живые игроки:", "Ведётся набор в игру"})) {
    return result("true_mafia", "other");
  }
  // "<name> был <role>": the role reveal after a lynching.
  for (auto role : {" был \xF0\x9F\x91\xA8", " была \xF0\x9F\x91\xA9", " был \xF0\x9F\xA4\xB5",
                    " был \xF0\x9F\x95\xB5"}) {
    if (ls.size() == 1 && contains(t, role)) return result("true_mafia", "other");
  }
  return std::nullopt;
}

std::optional<ParseResult> bunker_rp(std::string_view t, const Lines& ls) {
  const bool winners = contains(t, "Прошли в бункер:") && !contains(t, "Не прошли в бункер:");
  if (winners) {
    std::vector<Event> ev;
    bool in = false;
    for (auto line : ls) {
      const auto trimmed = trim(line);
      if (contains(trimmed, "Прошли в бункер:")) {
        in = true;
        continue;
      }
      if (!in) continue;
      // "N. <name>"
      size_t i = 0;
      while (i < trimmed.size() && trimmed[i] >= '0' && trimmed[i] <= '9') ++i;
      if (i > 0 && trimmed.substr(i, 2) == ". ") {
        add(ev, owned(trim(trimmed.substr(i + 2))), std::nullopt, "money", "win");
      }
    }
    return result("bunker_rp", "game_end", std::move(ev));
  }
  if (contains(t, "Не прошли в бункер:")) return result("bunker_rp", "game_end");
  if (profile_name(ls) && field(ls, "Деньги:") && field(ls, "Кристаллики:")) {
    std::vector<Event> ev;
    profile_balances(ls, profile_name(ls), "Кристаллики:", "crystals", ev);
    return result("bunker_rp", "profile", std::move(ev));
  }
  if (contains(t, "Набор не был объявлен")) return result("bunker_rp", "other");
  return std::nullopt;
}

// ---------------------------------------------------------------- Гуся Cards

std::optional<ParseResult> gusya_cards(std::string_view t, const Lines& ls) {
  const std::string_view points = "Очки \xE2\x80\xA2 ";   // Очки •
  const std::string_view coins = "Монеты \xE2\x80\xA2 ";  // Монеты •
  auto p = field(ls, points);
  auto c = field(ls, coins);
  if (p || c) {
    std::vector<Event> ev;
    if (p) {
      if (auto a = amount_at(*p)) add(ev, std::nullopt, a, "goose_points", "accrual");
    }
    if (c) {
      if (auto a = amount_at(*c)) add(ev, std::nullopt, a, "goose_coins", "accrual");
    }
    return result("gusya_cards", "goose_card", std::move(ev));
  }
  if (any_of(t, {"Гуся не было рядом", "рядом Гуся", "не нашли Гуся", "Гуся не оказалось"})) {
    return result("gusya_cards", "cooldown");
  }
  if (any_of(t, {"Получить бонус можно в лс бота", "Маркетплейс лимитированных карточек",
                 "Данная команда работает только в ЛС", "собирать уникальные карточки",
                 "новых карточек"})) {
    return result("gusya_cards", "other");
  }
  return std::nullopt;
}

ParseResult classify(std::string_view t) {
  const Lines ls = lines(t);
  if (auto r = gd_cards(t, ls)) return *r;
  if (auto r = gusya_cards(t, ls)) return *r;
  if (auto r = true_mafia(t, ls)) return *r;
  if (auto r = bunker_rp(t, ls)) return *r;
  if (auto r = shmalala(t, ls)) return *r;
  return result("other", "none");
}

}  // namespace

std::optional<ParseResult> extract_for(std::string_view game, std::string_view t) {
  try {
    const Lines ls = lines(t);
    if (game == "gd_cards") return gd_cards(t, ls);
    if (game == "gusya_cards") return gusya_cards(t, ls);
    if (game == "true_mafia") return true_mafia(t, ls);
    if (game == "bunker_rp") return bunker_rp(t, ls);
    if (game == "shmalala") return shmalala(t, ls);
  } catch (...) {
  }
  return std::nullopt;
}

ParseResult parse_text(std::string_view t) {
  try {
    return classify(t);
  } catch (...) {
    return result("other", "none");
  }
}

nlohmann::json to_json(const ParseResult& r) {
  nlohmann::json events = nlohmann::json::array();
  for (const auto& e : r.events) {
    events.push_back({{"player", e.player ? nlohmann::json(*e.player) : nullptr},
                      {"amount", e.amount ? nlohmann::json(*e.amount) : nullptr},
                      {"currency", e.currency},
                      {"type", e.type}});
  }
  return {{"game", r.game}, {"kind", r.kind}, {"events", events}};
}

std::string jsonl_line(std::string_view line, const JsonlParse& parse) {
  auto dump = [](const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  auto error = [&](const nlohmann::json& id, const std::string& message) {
    return dump({{"id", id}, {"error", {{"code", "INVALID_ARGUMENT"}, {"message", message}}}});
  };
  try {
    const auto in = nlohmann::json::parse(line, nullptr, false);
    if (in.is_discarded()) return error(nullptr, "not valid JSON");
    if (!in.is_object()) return error(nullptr, "a record must be a JSON object");
    const nlohmann::json id = in.contains("id") ? in.at("id") : nlohmann::json(nullptr);
    if (!in.contains("text") || !in.at("text").is_string()) {
      return error(id, "the record has no string field \"text\"");
    }
    const std::string key =
        in.contains("key") && in.at("key").is_string() ? in.at("key").get<std::string>() : "";
    nlohmann::json out = parse(in.at("text").get_ref<const std::string&>(), key);
    out["id"] = id;
    return dump(out);
  } catch (const std::exception& e) {
    return error(nullptr, std::string("unreadable record: ") + e.what());
  }
}

std::string parse_jsonl_line(std::string_view line) {
  return jsonl_line(
      line, [](const std::string& text, const std::string&) { return to_json(parse_text(text)); });
}

std::string_view no_event_reason(const ParseResult& r) {
  if (!r.events.empty()) return "";
  if (r.kind == "cooldown") return "cooldown";
  if (r.kind == "top_list") return "top_list";
  if (r.game == "other") return "not_a_game_message";
  return "no_currency";
}

}  // namespace lucas::parser
