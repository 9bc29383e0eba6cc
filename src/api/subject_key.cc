#include "api/subject_key.h"

namespace smlapi::api {

std::string_view subject_identity(const Principal& principal, std::string& scratch) {
  switch (principal.kind) {
    case auth::SubjectKind::user:
      if (principal.subject.find(':') == std::string::npos) return principal.subject;
      scratch.assign("user:").append(principal.subject);
      return scratch;
    case auth::SubjectKind::client:
      scratch.assign("client:").append(principal.subject);
      return scratch;
    case auth::SubjectKind::external:
      break;
  }
  scratch.assign("ext:")
      .append(std::to_string(principal.issuer_name.size()))
      .append(":")
      .append(principal.issuer_name)
      .append(":")
      .append(principal.subject);
  return scratch;
}

}  // namespace smlapi::api
