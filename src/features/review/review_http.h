// REST face of the review queue for admins (list, read, accept, correct) and of the parser's
// state (models, canary, queue). Thin: decode, one service call, encode.
#pragma once

#include "features/review/review.h"
#include "infra/http/http.h"

namespace lucas::review {

void register_http(http::Router& router, ReviewService& review, parser::ParserService& parser);

}  // namespace lucas::review
