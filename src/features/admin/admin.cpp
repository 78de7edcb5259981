#include "features/admin/admin.h"

namespace lucas::admin {
namespace {

nlohmann::json query_json(const audit::Query& q) {
  nlohmann::json j = nlohmann::json::object();
  if (q.actor) j["actor"] = *q.actor;
  if (q.subject) j["subject"] = *q.subject;
  if (q.action) j["action"] = *q.action;
  if (q.since) j["since"] = format_rfc3339(*q.since);
  if (q.until) j["until"] = format_rfc3339(*q.until);
  if (q.after_seq) j["after_seq"] = q.after_seq;
  if (q.newest_first) j["newest_first"] = true;
  if (q.before_seq) j["before_seq"] = q.before_seq;
  j["limit"] = q.limit;
  return j;
}

}  // namespace

std::vector<audit::Entry> AdminService::search_audit(int64_t actor, const std::string& ip,
                                                     const audit::Query& q) {
  if (q.limit < 1 || q.limit > 1000) {
    throw Error(ErrorCode::kInvalidArgument, "limit must be between 1 and 1000",
                {{"limit", q.limit}});
  }
  // The search reads in a read-only unit of work (a replica may serve it): a long scan never
  // holds the write lock. Its own audit entry is a short write afterwards.
  auto found = db_.read_replica([&](store::Tx& tx) {
    users_.require_admin(tx, actor, "read the audit log");
    return audit_.search(tx, q);
  });
  record(actor, ip, "admin.audit_search", "ok",
         {{"query", query_json(q)}, {"returned", found.size()}});
  return found;
}

audit::VerifyReport AdminService::verify_audit(int64_t actor, const std::string& ip,
                                               const std::function<void(int64_t)>& progress) {
  // Walking two years of chain takes a while: in a read-only unit of work, so that writers (and
  // their own audit entries) go on meanwhile.
  auto report = db_.read([&](store::Tx& tx) {
    users_.require_admin(tx, actor, "verify the audit log");
    return audit_.verify(tx, progress);
  });
  record(actor, ip, "admin.audit_verify", report.ok() ? "ok" : "broken",
         {{"entries", report.entries}, {"problem", report.problem}});
  return report;
}

void AdminService::record(int64_t actor, const std::string& ip, const std::string& action,
                          const std::string& result, nlohmann::json details) {
  db_.transact([&](store::Tx& tx) {
    audit_.append(tx, audit::entry(actor, action, "audit", std::move(details), result).with_ip(ip));
  });
}

std::vector<events::GivenUp> AdminService::given_up_events(int64_t actor, const std::string& ip,
                                                           int64_t after_id, int limit) {
  if (limit < 1 || limit > 1000) {
    throw Error(ErrorCode::kInvalidArgument, "limit must be between 1 and 1000",
                {{"limit", limit}});
  }
  return db_.transact([&](store::Tx& tx) {
    users_.require_admin(tx, actor, "read given-up events");
    auto found = outbox_.given_up(tx, after_id, limit);
    audit_.append(tx, audit::entry(actor, "admin.outbox_list", "outbox",
                                   {{"after_id", after_id}, {"returned", found.size()}})
                          .with_ip(ip));
    return found;
  });
}

int64_t AdminService::retry_events(int64_t actor, const std::string& ip,
                                   std::optional<int64_t> id) {
  return db_.transact([&](store::Tx& tx) {
    users_.require_admin(tx, actor, "retry given-up events");
    const int64_t n = outbox_.retry(tx, id);
    if (id && n == 0) {
      throw Error(ErrorCode::kNotFound, "event " + std::to_string(*id) + " is not given up",
                  {{"id", *id}});
    }
    audit_.append(tx, audit::entry(actor, "admin.outbox_retry",
                                   id ? "event:" + std::to_string(*id) : "outbox", {{"retried", n}})
                          .with_ip(ip));
    return n;
  });
}

}  // namespace lucas::admin
