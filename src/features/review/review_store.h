// SQL of the review queue, the training corrections and canary records (internal; the tables are
// the parser's migration set, features/parser/parser_store.cpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "features/review/review.h"

namespace lucas::review::sql {

// Inserts a pending item; nullopt when the message is already queued.
std::optional<int64_t> insert_review(store::Tx& tx, const ReviewItem& item);
std::optional<ReviewItem> find_review(store::Tx& tx, int64_t id);
std::optional<ReviewItem> find_review_by_message(store::Tx& tx, const bank::GameMessage& m);
std::vector<ReviewItem> list_reviews(store::Tx& tx, const std::string& status, int limit,
                                     int64_t after_id);
// pending -> verdict; false when the item was no longer pending.
bool close_review(store::Tx& tx, int64_t id, const std::string& verdict, int64_t actor,
                  const nlohmann::json& final, Micros now);
int64_t count_reviews(store::Tx& tx, const std::string& status);

void insert_training(store::Tx& tx, int64_t review_id, const std::string& verdict,
                     const std::string& text, const ParseResult& labels, int64_t actor, Micros now);
std::vector<synth::Sample> training(store::Tx& tx);
int64_t count_untrained(store::Tx& tx);
void mark_trained(store::Tx& tx, int version);

void upsert_canary(store::Tx& tx, const std::string& key, const CanaryInfo& info, Micros now);
void set_canary_truth(store::Tx& tx, const std::string& key, const std::string& label);
CanaryStats canary_stats(store::Tx& tx);

}  // namespace lucas::review::sql
