// The review module: the parse trigger (CreditDesk: trust, freshness, the AI read, the review
// queue or the credit, in one transaction), the admins' /review, /accept, /correct and the REST
// routes of the queue and of the parser's state. Its rows live in the parser's tables.
#pragma once

#include "infra/module/module.h"

namespace lucas::review {

void register_module(module::Module& m);

}  // namespace lucas::review
