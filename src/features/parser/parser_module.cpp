#include "features/parser/parser_module.h"

#include "features/parser/parser_http.h"
#include "features/parser/parser_store.h"

namespace lucas::parser {

void register_module(module::Module& m) {
  m.migrations(migrations).routes([](http::Router& router, module::Services& s) {
    register_http(router, s.get<ParserService>(), s.get<DriftMonitor>());
  });
}

}  // namespace lucas::parser
