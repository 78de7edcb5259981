// libFuzzer target for the game-message parser: any bytes as a message text and as a JSONL line.
// Build and run: see fuzz/README.md.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/names.h"
#include "features/parser/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto r = lucas::parser::parse_text(input);
  (void)lucas::parser::to_json(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  (void)lucas::normalize_name(input);
  (void)lucas::parser::parse_jsonl_line(input);
  return 0;
}
