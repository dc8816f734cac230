#include "perimeter/findings/internal_access_finding.h"

#include "perimeter/findings/finding_json.h"
#include "perimeter/json/writer.h"

namespace perimeter::findings {
namespace {

void AppendField(std::string& out, std::string_view text) {
  out.append(std::to_string(text.size())).push_back(':');
  out.append(text);
}

}  // namespace

std::string_view InternalAccessTypeName(InternalAccessType type) {
  switch (type) {
    case InternalAccessType::kIntraAccount:
      return "INTRA_ACCOUNT";
    case InternalAccessType::kIntraOrg:
      return "INTRA_ORG";
  }
  return "";
}

std::string_view InternalPrincipalTypeName(InternalPrincipalType type) {
  switch (type) {
    case InternalPrincipalType::kIamRole:
      return "IAM_ROLE";
    case InternalPrincipalType::kIamUser:
      return "IAM_USER";
  }
  return "";
}

std::string_view ControlPolicyRestrictionName(ControlPolicyRestriction restriction, bool rcp) {
  switch (restriction) {
    case ControlPolicyRestriction::kApplied:
      return "APPLIED";
    case ControlPolicyRestriction::kApplicable:
      return "APPLICABLE";
    case ControlPolicyRestriction::kNotApplicable:
      return "NOT_APPLICABLE";
    case ControlPolicyRestriction::kFailedToEvaluate:
      return rcp ? "FAILED_TO_EVALUATE_RCP" : "FAILED_TO_EVALUATE_SCP";
  }
  return "";
}

std::string InternalAccessFindingKey(const InternalAccessFinding& finding) {
  std::string key = "InternalAccess|";
  AppendAccessIdentity(key, finding.resource, finding.principal, finding.condition,
                       finding.sources);
  if (finding.error.has_value()) {
    key.push_back('|');
    AppendField(key, *finding.error);
    AppendField(key, finding.error_reason);
  }
  return key;
}

std::string InternalAccessFindingToJson(const InternalAccessFinding& finding, int indent) {
  json::Writer w(json::WriterOptions{indent});
  w.BeginObject();
  w.Key("id").String(finding.id);
  w.Key("findingType").String("InternalAccess");
  w.Key("resource").String(finding.resource);
  w.Key("resourceType").String(finding.resource_type);
  w.Key("resourceOwnerAccount").String(finding.resource_owner_account);
  w.Key("status").String("ACTIVE");
  if (finding.error.has_value()) w.Key("error").String(*finding.error);
  w.Key("findingDetails").BeginArray();
  if (!finding.error.has_value()) {
    w.BeginObject().Key("internalAccessDetails").BeginObject();
    w.Key("action").StringArray(finding.actions);
    w.Key("condition").StringMap(finding.condition);
    w.Key("principal").StringMap(finding.principal);
    w.Key("principalOwnerAccount").String(finding.principal_owner_account);
    w.Key("accessType").String(InternalAccessTypeName(finding.access_type));
    w.Key("principalType").String(InternalPrincipalTypeName(finding.principal_type));
    w.Key("sources");
    WriteFindingSources(w, finding.sources);
    w.Key("resourceControlPolicyRestriction")
        .String(ControlPolicyRestrictionName(finding.resource_control_policy_restriction, true));
    w.Key("serviceControlPolicyRestriction")
        .String(ControlPolicyRestrictionName(finding.service_control_policy_restriction, false));
    w.EndObject().EndObject();
  }
  w.EndArray();
  Finding extras;
  extras.error = finding.error;
  extras.error_reason = finding.error_reason;
  extras.witness = finding.witness;
  extras.explanation = finding.explanation;
  WriteFindingExtras(w, extras);
  w.EndObject();
  return std::move(w).Take();
}

}  // namespace perimeter::findings
