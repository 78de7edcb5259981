// The parser module: the AI message parser and its drift monitor — the tables (the review
// feature's too), parsing as a service and the drift history over REST. (Its retrain and drift
// jobs are still wired in app/.)
#pragma once

#include "infra/module/module.h"

namespace lucas::parser {

void register_module(module::Module& m);

}  // namespace lucas::parser
