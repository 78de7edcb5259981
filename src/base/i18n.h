// Text catalogues (resources/i18n/<lang>.json, embedded at build time). Russian is the default;
// English for users whose Telegram language is English. "{name}" placeholders are filled in.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace lucas::i18n {

using Args = std::map<std::string, std::string>;

// "en" for any English language code ("en", "en-GB"), "ru" otherwise.
std::string_view language_for(std::string_view telegram_language_code);

// The text for `key` in `lang` (falling back to Russian, then to the key itself), with {name}
// placeholders replaced from `args`.
std::string text(std::string_view lang, std::string_view key, const Args& args = {});

// Every key of every catalogue, for tests: each language must have the same keys.
std::map<std::string, std::map<std::string, std::string>> catalogues();

}  // namespace lucas::i18n
