// The API documents of the source tree: each src/**/<name>_api.json (a fragment of the OpenAPI 3.1
// document, see infra/http/openapi.h), embedded in the binary at build time.
#pragma once

#include <string>
#include <string_view>

namespace lucas::http {

// The text of <name>_api.json ("platform", "users", ...); INTERNAL when there is none.
const std::string& api_document(std::string_view name);

}  // namespace lucas::http
