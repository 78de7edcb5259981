// The admin API's services: what the admin panel and admin tools call. Authorization is checked
// here (admins and the owner only), and every use is itself recorded in the audit log.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "features/users/users.h"
#include "infra/audit/audit.h"
#include "infra/events/outbox.h"
#include "infra/store/db.h"

namespace lucas::admin {

class AdminService {
 public:
  AdminService(store::Database& db, users::UserService& users, audit::AuditLog& audit,
               events::Outbox& outbox)
      : db_(db), users_(users), audit_(audit), outbox_(outbox) {}

  // Audit entries by actor, action prefix and time range, paged by `after_seq`. FORBIDDEN unless
  // `actor` is an admin; the search itself is audited ("admin.audit_search"). It reads in a
  // read-only unit of work (on the replica when there is one), never under the write lock.
  std::vector<audit::Entry> search_audit(int64_t actor, const std::string& ip,
                                         const audit::Query& q);
  // Walks the hash chain (and signed checkpoints) in a read-only unit of work: writers are not
  // held up however long it takes. Admins only; audited afterwards. `progress` as
  // audit::AuditLog::verify.
  audit::VerifyReport verify_audit(int64_t actor, const std::string& ip,
                                   const std::function<void(int64_t)>& progress = {});

  // Outbox events given up after their once-subscribers kept failing (the audit entry, score or
  // notification they should have produced has not happened), paged by `after_id`. Admins only;
  // audited ("admin.outbox_list").
  std::vector<events::GivenUp> given_up_events(int64_t actor, const std::string& ip,
                                               int64_t after_id, int limit);
  // Puts the given-up event `id` (every one when empty) back to be dispatched, once the cause is
  // fixed; NOT_FOUND for an id that is not given up. Admins only; audited in the same
  // transaction ("admin.outbox_retry"). Returns how many.
  int64_t retry_events(int64_t actor, const std::string& ip, std::optional<int64_t> id);

  // Bans and unbans are the users service's (authorized and audited there).
  users::UserService& users() { return users_; }

 private:
  // Appends one audit entry (target "audit") in a short transaction of its own.
  void record(int64_t actor, const std::string& ip, const std::string& action,
              const std::string& result, nlohmann::json details);
  store::Database& db_;
  users::UserService& users_;
  audit::AuditLog& audit_;
  events::Outbox& outbox_;
};

}  // namespace lucas::admin
