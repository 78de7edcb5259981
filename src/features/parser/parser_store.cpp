#include "features/parser/parser_store.h"

#include <fmt/format.h>

#include <algorithm>

namespace lucas::parser {

store::MigrationSet migrations() {
  return {"parser",
          {{1, "review queue, training corrections, canary records, parse log, drift",
            R"(
CREATE TABLE parser_reviews (
  id {{id}},
  chat_id BIGINT NOT NULL,
  message_id BIGINT NOT NULL,
  bot_id BIGINT NOT NULL,
  sender_game TEXT NOT NULL,
  replier_id BIGINT NOT NULL,
  text TEXT NOT NULL,
  result TEXT NOT NULL,
  mentions TEXT NOT NULL,
  confidence TEXT NOT NULL,
  reason TEXT NOT NULL,
  model_version TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'corrected')),
  reviewed_by BIGINT,
  reviewed_at BIGINT,
  final TEXT,
  created_at BIGINT NOT NULL,
  UNIQUE (chat_id, message_id)
);
CREATE INDEX parser_reviews_by_status ON parser_reviews (status, id);
CREATE TABLE parser_training (
  id {{id}},
  review_id BIGINT,
  verdict TEXT NOT NULL,
  text TEXT NOT NULL,
  game TEXT NOT NULL,
  kind TEXT NOT NULL,
  events TEXT NOT NULL,
  actor BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  trained_in BIGINT
);
CREATE TABLE parser_canary (
  message_key TEXT PRIMARY KEY,
  active_version TEXT NOT NULL,
  active_label TEXT NOT NULL,
  candidate_version TEXT NOT NULL,
  candidate_label TEXT NOT NULL,
  agree INTEGER NOT NULL,
  truth_label TEXT,
  created_at BIGINT NOT NULL
);
CREATE TABLE parser_log (
  id {{id}},
  at BIGINT NOT NULL,
  model_version TEXT NOT NULL,
  label TEXT NOT NULL,
  confidence_bin INTEGER NOT NULL,
  source TEXT NOT NULL,
  needs_review INTEGER NOT NULL
);
CREATE INDEX parser_log_by_time ON parser_log (at);
CREATE TABLE parser_drift (
  id {{id}},
  at BIGINT NOT NULL,
  model_version TEXT NOT NULL,
  messages BIGINT NOT NULL,
  psi_class TEXT NOT NULL,
  psi_confidence TEXT NOT NULL,
  alert INTEGER NOT NULL,
  note TEXT NOT NULL
);
)"},
           {2, "review items keyed by the game result's origin",
            R"(
ALTER TABLE parser_reviews ADD COLUMN content_key TEXT;
ALTER TABLE parser_reviews ADD COLUMN origin_date BIGINT;
UPDATE parser_reviews SET origin_date = created_at / 1000000;
CREATE UNIQUE INDEX parser_reviews_by_content ON parser_reviews (content_key);
)"}}};
}

}  // namespace lucas::parser

namespace lucas::parser::sql {
using store::Value;

void insert_log(store::Tx& tx, Micros at, const AiResult& r) {
  tx.exec(
      "INSERT INTO parser_log (at, model_version, label, confidence_bin, source, needs_review)"
      " VALUES ($1, $2, $3, $4, $5, $6)",
      {Value{at}, Value{r.model_version}, Value{r.label()},
       Value{int64_t{model::confidence_bin(r.confidence)}}, Value{r.source},
       Value{int64_t{r.needs_review ? 1 : 0}}});
}

LogCounts log_counts(store::Tx& tx, Micros since, Micros until) {
  LogCounts c;
  for (const auto& row : tx.exec("SELECT label, confidence_bin, COUNT(*) FROM parser_log"
                                 " WHERE at >= $1 AND at < $2 AND source = 'model'"
                                 " GROUP BY label, confidence_bin",
                                 {Value{since}, Value{until}})
                             .rows) {
    const int64_t n = row.i64(2);
    c.labels[row.str(0)] += n;
    const auto bin =
        static_cast<size_t>(std::clamp<int64_t>(row.i64(1), 0, model::kConfidenceBins - 1));
    c.bins[bin] += n;
    c.total += n;
  }
  return c;
}

int64_t prune_log(store::Tx& tx, Micros before) {
  return tx.exec("DELETE FROM parser_log WHERE at < $1", {Value{before}}).affected;
}

void insert_drift(store::Tx& tx, const DriftReport& r) {
  tx.exec(
      "INSERT INTO parser_drift (at, model_version, messages, psi_class, psi_confidence, alert,"
      " note) VALUES ($1, $2, $3, $4, $5, $6, $7)",
      {Value{r.at}, Value{r.model_version}, Value{r.messages},
       Value{fmt::format("{:.6f}", r.psi_class)}, Value{fmt::format("{:.6f}", r.psi_confidence)},
       Value{int64_t{r.alert ? 1 : 0}}, Value{r.note}});
}

std::vector<DriftReport> drift_history(store::Tx& tx, int limit) {
  std::vector<DriftReport> out;
  for (const auto& row :
       tx.exec("SELECT at, model_version, messages, psi_class, psi_confidence, alert, note"
               " FROM parser_drift ORDER BY id DESC LIMIT $1",
               {Value{int64_t{limit}}})
           .rows) {
    out.push_back(DriftReport{row.i64(0), row.str(1), row.i64(2), std::stod(row.str(3)),
                              std::stod(row.str(4)), row.i64(5) != 0, row.str(6)});
  }
  return out;
}

}  // namespace lucas::parser::sql
