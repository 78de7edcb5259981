// REST face of the AI parser: parsing as a service for authenticated clients, and the admin API
// of the review queue, drift and model state. Thin: decode, one service call, encode.
#pragma once

#include "features/parser/review.h"
#include "infra/http/http.h"

namespace lucas::parser {

void register_http(http::Router& router, ParserService& parser, ReviewService& review,
                   DriftMonitor& drift);

}  // namespace lucas::parser
