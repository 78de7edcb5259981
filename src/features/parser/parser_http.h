// REST face of the AI parser: parsing as a service for authenticated clients, and the admins'
// drift history. Thin: decode, one service call, encode. (The review queue and the parser's state
// are the review feature's: features/review/review_http.h.)
#pragma once

#include "features/parser/drift.h"
#include "infra/http/http.h"

namespace lucas::parser {

void register_http(http::Router& router, ParserService& parser, DriftMonitor& drift);

}  // namespace lucas::parser
