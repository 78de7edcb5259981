#include "base/csv.h"

namespace lucas {

std::string csv_cell(std::string text, Formulas formulas) {
  if (formulas == Formulas::kDefuse && !text.empty() &&
      (text[0] == '=' || text[0] == '+' || text[0] == '@' || text[0] == '\t')) {
    text.insert(0, "'");
  }
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace lucas
