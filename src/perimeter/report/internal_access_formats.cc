#include "perimeter/report/internal_access_formats.h"

#include <vector>

#include "perimeter/base/text.h"
#include "perimeter/json/writer.h"
#include "perimeter/report/report_formats.h"
#include "perimeter/report/sarif_artifact.h"

namespace perimeter::report {
namespace {

using findings::InternalAccessFinding;

std::string Principal(const InternalAccessFinding& f) {
  auto it = f.principal.find("AWS");
  return it == f.principal.end() ? "" : it->second;
}

std::string Joined(const std::vector<std::string>& values, std::string_view separator) {
  std::string out;
  for (const std::string& value : values) {
    if (!out.empty()) out += separator;
    out += value;
  }
  return out;
}

std::string ConditionText(const InternalAccessFinding& f) {
  std::string out;
  for (const auto& [key, value] : f.condition) {
    if (!out.empty()) out += "; ";
    out += base::Concat(key, "=", value);
  }
  return out;
}

std::vector<std::string> SourceNames(const InternalAccessFinding& f) {
  std::vector<std::string> out;
  for (const findings::FindingSource& source : f.sources)
    out.emplace_back(findings::FindingSourceTypeName(source.type));
  return out;
}

std::string Describe(const InternalAccessFinding& f) {
  if (f.error.has_value()) return base::Concat(f.resource, ": ", *f.error, ": ", f.error_reason);
  return base::Concat(Principal(f), " (", findings::InternalAccessTypeName(f.access_type),
                      ") can perform ", Joined(f.actions, ", "), " on ", f.resource,
                      f.condition.empty() ? "" : base::Concat(" when ", ConditionText(f)));
}

struct Rule {
  std::string_view id, name, text, level;
};

constexpr Rule kRules[] = {
    {"perimeter/internal-access", "InternalAccess",
     "A principal inside the zone of trust can access a critical resource", "warning"},
    {"perimeter/analysis-error", "AnalysisError",
     "The analysis could not decide who can access a resource", "error"},
};

}  // namespace

std::string RenderInternalAccessCsv(std::span<const InternalAccessFinding> findings) {
  std::string out =
      "id,resourceType,resource,resourceOwnerAccount,principal,principalOwnerAccount,"
      "principalType,accessType,actions,condition,sources,serviceControlPolicyRestriction,"
      "resourceControlPolicyRestriction,error\n";
  for (const InternalAccessFinding& f : findings) {
    bool error = f.error.has_value();
    std::vector<std::string> fields = {
        f.id,
        f.resource_type,
        f.resource,
        f.resource_owner_account,
        Principal(f),
        f.principal_owner_account,
        error ? "" : std::string(findings::InternalPrincipalTypeName(f.principal_type)),
        error ? "" : std::string(findings::InternalAccessTypeName(f.access_type)),
        Joined(f.actions, " "),
        ConditionText(f),
        Joined(SourceNames(f), " "),
        std::string(
            findings::ControlPolicyRestrictionName(f.service_control_policy_restriction, false)),
        std::string(
            findings::ControlPolicyRestrictionName(f.resource_control_policy_restriction, true)),
        error ? base::Concat(*f.error, ": ", f.error_reason) : ""};
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) out += ",";
      out += CsvField(fields[i]);
    }
    out += "\n";
  }
  return out;
}

std::string RenderInternalAccessSarif(std::span<const InternalAccessFinding> findings,
                                      std::string_view artifact) {
  json::Writer w(json::WriterOptions{.indent = 2});
  w.BeginObject();
  w.Key("$schema").String("https://json.schemastore.org/sarif-2.1.0.json");
  w.Key("version").String("2.1.0");
  w.Key("runs").BeginArray().BeginObject();
  w.Key("tool").BeginObject().Key("driver").BeginObject();
  w.Key("name").String("Perimeter");
  w.Key("informationUri").String("https://github.com/perimeter-iam/perimeter");
  w.Key("version").String("0.1.0");
  w.Key("rules").BeginArray();
  for (const Rule& rule : kRules) {
    w.BeginObject().Key("id").String(rule.id).Key("name").String(rule.name);
    w.Key("shortDescription").BeginObject().Key("text").String(rule.text).EndObject();
    w.Key("defaultConfiguration").BeginObject().Key("level").String(rule.level).EndObject();
    w.EndObject();
  }
  w.EndArray().EndObject().EndObject();
  w.Key("results").BeginArray();
  for (const InternalAccessFinding& f : findings) {
    bool error = f.error.has_value();
    w.BeginObject();
    w.Key("ruleId").String(error ? kRules[1].id : kRules[0].id);
    w.Key("level").String(error ? "error" : "warning");
    w.Key("message").BeginObject().Key("text").String(Describe(f)).EndObject();
    w.Key("locations").BeginArray().BeginObject();
    if (!artifact.empty()) {
      w.Key("physicalLocation").BeginObject();
      WriteSarifArtifactLocation(w, artifact);
      w.EndObject();
    }
    w.Key("logicalLocations").BeginArray().BeginObject();
    w.Key("fullyQualifiedName").String(f.resource).Key("kind").String("resource");
    w.EndObject().EndArray().EndObject().EndArray();
    w.Key("partialFingerprints")
        .BeginObject()
        .Key("perimeterFindingId/v1")
        .String(f.id)
        .EndObject();
    w.Key("properties").BeginObject();
    w.Key("findingType").String("InternalAccess");
    w.Key("resourceType").String(f.resource_type);
    w.Key("resourceOwnerAccount").String(f.resource_owner_account);
    w.Key("principal").StringMap(f.principal);
    if (!error) {
      w.Key("principalOwnerAccount").String(f.principal_owner_account);
      w.Key("principalType").String(findings::InternalPrincipalTypeName(f.principal_type));
      w.Key("accessType").String(findings::InternalAccessTypeName(f.access_type));
    }
    w.Key("actions").StringArray(f.actions);
    w.Key("condition").StringMap(f.condition);
    w.Key("sources").StringArray(SourceNames(f));
    w.Key("serviceControlPolicyRestriction")
        .String(
            findings::ControlPolicyRestrictionName(f.service_control_policy_restriction, false));
    w.Key("resourceControlPolicyRestriction")
        .String(
            findings::ControlPolicyRestrictionName(f.resource_control_policy_restriction, true));
    w.EndObject();
    w.EndObject();
  }
  w.EndArray().EndObject().EndArray().EndObject();
  return std::move(w).Take() + "\n";
}

}  // namespace perimeter::report
