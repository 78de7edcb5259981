// One CSV cell (RFC 4180): quoted when it holds a comma, a quote or a line break, quotes doubled.
#pragma once

#include <string>

namespace lucas {

enum class Formulas {
  kKeep,    // the text exactly (exports that must round-trip, e.g. the audit log's hashes)
  kDefuse,  // a leading = + - @ or tab gets a ' so a spreadsheet shows text instead of running it
};

std::string csv_cell(std::string text, Formulas formulas = Formulas::kKeep);

}  // namespace lucas
