#include "features/parser/parser_module.h"

#include "features/parser/parser_http.h"
#include "features/parser/parser_store.h"
#include "infra/http/api_documents.h"

namespace lucas::parser {

void register_module(module::Module& m) {
  m.api(http::api_document("parser"));  // parser_api.json: its routes in the OpenAPI document
  m.migrations(migrations).routes([](http::Router& router, module::Services& s) {
    register_http(router, s.get<ParserService>(), s.get<DriftMonitor>());
  });
}

}  // namespace lucas::parser
