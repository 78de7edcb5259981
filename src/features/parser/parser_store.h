// The parser's tables (migration set "parser": the review queue, training corrections, canary
// records, the parse log and drift checks — the review feature keeps its rows in the first three)
// and the SQL of the parse log and the drift checks (internal).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "features/parser/drift.h"
#include "infra/store/migrate.h"

namespace lucas::parser {

store::MigrationSet migrations();

}  // namespace lucas::parser

namespace lucas::parser::sql {

void insert_log(store::Tx& tx, Micros at, const AiResult& r);
struct LogCounts {
  std::map<std::string, int64_t> labels;
  std::vector<int64_t> bins = std::vector<int64_t>(model::kConfidenceBins);
  int64_t total = 0;
};
LogCounts log_counts(store::Tx& tx, Micros since, Micros until);
// Deletes log rows older than `before`; returns how many.
int64_t prune_log(store::Tx& tx, Micros before);
void insert_drift(store::Tx& tx, const DriftReport& r);
std::vector<DriftReport> drift_history(store::Tx& tx, int limit);

}  // namespace lucas::parser::sql
