// The parser module: the AI message parser, its review queue and drift monitor:
// tables, REST routes and the admins' /review, /accept, /correct. (Its retrain and drift jobs are
// still wired in app/.)
#pragma once

#include "infra/module/module.h"

namespace lucas::parser {

void register_module(module::Module& m);

}  // namespace lucas::parser
