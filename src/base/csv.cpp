#include "base/csv.h"

namespace lucas {

std::string csv_cell(std::string text, Formulas formulas) {
  const bool defuse = formulas == Formulas::kDefuse && !text.empty() &&
                      (text[0] == '=' || text[0] == '+' || text[0] == '@' || text[0] == '\t');
  const bool quote = text.find_first_of(",\"\n\r") != std::string::npos;
  if (!defuse && !quote) return text;
  std::string out;
  out.reserve(text.size() + 4);
  if (quote) out += '"';
  if (defuse) out += '\'';
  for (const char c : text) {
    if (quote && c == '"') out += '"';
    out += c;
  }
  if (quote) out += '"';
  return out;
}

}  // namespace lucas
