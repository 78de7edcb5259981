#include "features/bank/bank_module.h"

#include <spdlog/spdlog.h>

#include "features/bank/bank_http.h"

namespace lucas::bank {

void register_module(module::Module& m) {
  m.migrations(migrations)
      .routes([](http::Router& router, module::Services& s) {
        register_http(router, s.get<BankService>());
      })
      // Unclaimed credits past their time go back to the game's mint.
      .job({"bank.expire_unclaimed", jobs::Schedule::daily(4, 20),
            [](module::Services& s, const jobs::Run&) {
              const int64_t n = s.get<BankService>().expire_unclaimed();
              if (n > 0) spdlog::info("bank: {} unclaimed credits expired", n);
            }});
}

}  // namespace lucas::bank
