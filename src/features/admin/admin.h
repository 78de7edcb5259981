// The admin API's services: what the admin panel and admin tools call. Authorization is checked
// here (admins and the owner only), and every use is itself recorded in the audit log.
#pragma once

#include <string>
#include <vector>

#include "features/users/users.h"
#include "infra/audit/audit.h"
#include "infra/store/db.h"

namespace lucas::admin {

class AdminService {
 public:
  AdminService(store::Database& db, users::UserService& users, audit::AuditLog& audit)
      : db_(db), users_(users), audit_(audit) {}

  // Audit entries by actor, action prefix and time range, paged by `after_seq`. FORBIDDEN unless
  // `actor` is an admin; the search itself is audited ("admin.audit_search").
  std::vector<audit::Entry> search_audit(int64_t actor, const std::string& ip,
                                         const audit::Query& q);
  // Walks the hash chain (and signed checkpoints). Admins only; audited.
  audit::VerifyReport verify_audit(int64_t actor, const std::string& ip);

 private:
  store::Database& db_;
  users::UserService& users_;
  audit::AuditLog& audit_;
};

}  // namespace lucas::admin
