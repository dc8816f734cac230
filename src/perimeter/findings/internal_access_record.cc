#include "perimeter/findings/internal_access_record.h"

#include <initializer_list>
#include <string>
#include <string_view>

#include "perimeter/findings/finding_json.h"

namespace perimeter::findings {

Finding ToFinding(const InternalAccessFinding& internal) {
  Finding finding;
  finding.id = internal.id;
  finding.type = FindingType::kInternalAccess;
  finding.resource = internal.resource;
  finding.resource_type = internal.resource_type;
  finding.resource_owner_account = internal.resource_owner_account;
  finding.principal = internal.principal;
  finding.actions = internal.actions;
  finding.condition = internal.condition;
  finding.sources = internal.sources;
  finding.error = internal.error;
  finding.error_reason = internal.error_reason;
  finding.witness = internal.witness;
  finding.explanation = internal.explanation;
  if (!internal.error.has_value()) {
    finding.internal_details = InternalAccessDetails{
        internal.principal_owner_account, internal.principal_type, internal.access_type,
        internal.service_control_policy_restriction, internal.resource_control_policy_restriction};
  }
  return finding;
}

void WriteInternalAccessDetails(json::Writer& w, const Finding& finding) {
  const InternalAccessDetails& details = *finding.internal_details;
  w.BeginObject();
  w.Key("accessType").String(InternalAccessTypeName(details.access_type));
  if (!finding.actions.empty()) w.Key("action").StringArray(finding.actions);
  w.Key("condition").StringMap(finding.condition);
  if (!finding.principal.empty()) w.Key("principal").StringMap(finding.principal);
  w.Key("principalOwnerAccount").String(details.principal_owner_account);
  w.Key("principalType").String(InternalPrincipalTypeName(details.principal_type));
  w.Key("resourceControlPolicyRestriction")
      .String(ControlPolicyRestrictionName(details.resource_control_policy_restriction, true));
  w.Key("serviceControlPolicyRestriction")
      .String(ControlPolicyRestrictionName(details.service_control_policy_restriction, false));
  if (!finding.sources.empty()) {
    w.Key("sources");
    WriteFindingSources(w, finding.sources);
  }
  w.EndObject();
}

namespace {

// The one of `values` whose name is `text`.
template <typename Enum, typename NameOf>
std::optional<Enum> Named(std::optional<json::Value> text, std::initializer_list<Enum> values,
                          NameOf name_of) {
  if (!text || !text->is_string()) return std::nullopt;
  for (Enum value : values) {
    if (name_of(value) == text->text()) return value;
  }
  return std::nullopt;
}

}  // namespace

std::optional<InternalAccessDetails> ParseInternalAccessDetails(const json::Value& value) {
  if (!value.is_object()) return std::nullopt;
  std::optional<json::Value> owner = value.Find("principalOwnerAccount");
  auto principal_type = Named(value.Find("principalType"),
                              {InternalPrincipalType::kIamRole, InternalPrincipalType::kIamUser},
                              InternalPrincipalTypeName);
  auto access_type = Named(value.Find("accessType"),
                           {InternalAccessType::kIntraAccount, InternalAccessType::kIntraOrg},
                           InternalAccessTypeName);
  const std::initializer_list<ControlPolicyRestriction> kRestrictions = {
      ControlPolicyRestriction::kApplied, ControlPolicyRestriction::kApplicable,
      ControlPolicyRestriction::kNotApplicable, ControlPolicyRestriction::kFailedToEvaluate};
  auto scp =
      Named(value.Find("serviceControlPolicyRestriction"), kRestrictions,
            [](ControlPolicyRestriction r) { return ControlPolicyRestrictionName(r, false); });
  auto rcp =
      Named(value.Find("resourceControlPolicyRestriction"), kRestrictions,
            [](ControlPolicyRestriction r) { return ControlPolicyRestrictionName(r, true); });
  if (!owner || !owner->is_string() || !principal_type || !access_type || !scp || !rcp)
    return std::nullopt;
  return InternalAccessDetails{std::string(owner->text()), *principal_type, *access_type, *scp,
                               *rcp};
}

}  // namespace perimeter::findings
